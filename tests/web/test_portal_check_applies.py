"""Check your answers leaves out answers to fields that do not apply: the optional postal
address when the citizen chose to pick the result up (and shows it when they chose post)."""

from __future__ import annotations

from sqlalchemy import select

from core.identity.accounts import load_actor
from core.identity.models import Account
from plugins.services import api as services

ITEM = "veterans.preferential-card"


def _draft(platform, **answers) -> int:
    with platform.session() as s:
        who = load_actor(s, s.scalar(select(Account.id).where(Account.username == "citizen1")))
        app = services.start_application(s, who, ITEM)
        assert "mail_address" in {f["name"] for st in services.form_steps(s, ITEM)
                                  for f in st["fields"]}
        services.save_answers(s, who, app.id, version=app.version, answers={
            "phone": "13812345678", "reason": "退役军人申请优待证", **answers})
        s.commit()
        return app.id


def test_pickup_leaves_the_postal_address_out(client, login, platform):
    app_id = _draft(platform, delivery_method="pickup")
    login(client, "citizen1")
    html = client.get(f"/applications/{app_id}/check").get_data(as_text=True)
    assert "窗口领取" in html
    assert "邮寄地址" not in html and "check-mail_address" not in html
    client.get("/lang/en")
    html = client.get(f"/applications/{app_id}/check").get_data(as_text=True)
    assert "Postal address" not in html and "Not answered" not in html


def test_post_shows_the_postal_address(client, login, platform):
    app_id = _draft(platform, delivery_method="mail", mail_address="和平区南京路100号3门")
    login(client, "citizen1")
    html = client.get(f"/applications/{app_id}/check").get_data(as_text=True)
    assert "邮寄地址" in html and "和平区南京路100号3门" in html


def test_post_without_an_address_shows_the_error_there(client, login, platform):
    app_id = _draft(platform, delivery_method="mail")
    login(client, "citizen1")
    html = client.get(f"/applications/{app_id}/check").get_data(as_text=True)
    assert 'id="check-mail_address"' in html and "门牌号" in html
