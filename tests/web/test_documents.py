"""An application's uploaded documents can be opened by the applicant (portal) and by the desk
staff who may see the application (console) — the bytes that were uploaded, as a private
response; nobody else gets them, and a reused certificate has no file to send."""

from __future__ import annotations

from sqlalchemy import select
from webclient import logout

from core.identity.accounts import create_account, load_actor
from core.identity.models import Account, Person
from core.identity.roles import Role
from plugins.services import api as services

ITEM = "veterans.preferential-card"  # district veterans bureau (clerk.d1's district)
PDF = b"%PDF-1.4\n% the applicant's discharge certificate\n"


def _actor(s, username):
    return load_actor(s, s.scalar(select(Account.id).where(Account.username == username)))


def _submitted(platform) -> tuple[int, int]:
    with platform.session() as s:
        citizen = _actor(s, "citizen1")
        app = services.start_application(s, citizen, ITEM)
        app = services.save_answers(s, citizen, app.id, version=app.version, answers={
            "phone": "13812345678", "reason": "退役军人申请优待证", "delivery_method": "pickup"})
        app = services.attach_materials(s, citizen, app.id, {
            "id_copy": ("id.pdf", PDF), "discharge_cert": ("退役证.pdf", PDF)},
            version=app.version)
        services.submit(s, citizen, app.id, version=app.version)
        material = next(m for m in app.materials if m.material_code == "discharge_cert")
        return app.id, material.id


def test_the_clerk_opens_an_uploaded_document(client, login, platform):
    app_id, material_id = _submitted(platform)
    login(client, "clerk.d1")
    page = client.get(f"/console/applications/{app_id}").get_data(as_text=True)
    url = f"/console/applications/{app_id}/documents/{material_id}"
    assert url in page  # the file name links to it
    r = client.get(url)
    assert r.status_code == 200 and r.data == PDF
    assert r.mimetype == "application/pdf"
    assert "no-store" in r.headers["Cache-Control"]


def test_the_applicant_opens_their_own_document(client, login, platform):
    app_id, material_id = _submitted(platform)
    login(client, "citizen1")
    r = client.get(f"/my/applications/{app_id}/documents/{material_id}")
    assert r.status_code == 200 and r.data == PDF


def test_nobody_else_gets_the_document(client, login, platform):
    app_id, material_id = _submitted(platform)
    with platform.session() as s:  # another resident with a login of their own
        other = s.scalar(select(Person).where(Person.id != _actor(s, "citizen1").person_id))
        create_account(s, "citizen2", "jinzhi-demo", Role.CITIZEN, person_id=other.id,
                       fast_hash=True)
    login(client, "citizen2")
    assert client.get(f"/my/applications/{app_id}/documents/{material_id}").status_code == 404
    other_app, _ = _submitted(platform)
    logout(client)
    login(client, "citizen1")  # the right applicant, but the document of another application
    assert client.get(f"/my/applications/{other_app}/documents/{material_id}"
                      ).status_code == 404
    logout(client)
    login(client, "handler.d1.gas")  # a department without service items has no desk
    assert client.get(f"/console/applications/{app_id}/documents/{material_id}"
                      ).status_code == 403
