"""Applying, one thing per page (the GOV.UK pattern): a page per form step, a page for the
documents (upload, or reuse a certificate already held), "check your answers", then a
confirmation with the reference number. Every error is shown twice: in a summary at the top
whose links jump to the field, and next to the field itself."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from core.errors import InvalidInput
from core.identity.roles import Role
from plugins.services import api as services
from web.auth import actor, requires
from web.database import db, rollback
from web.i18n import current
from web.portal import bp, schemaform


def _version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        abort(400)


def _steps(app: Any) -> tuple[Any, list[dict[str, Any]]]:
    item = services.get_item(db(), app.item_code)
    return item, services.form_steps(item)


def _after_step(app_id: int, n: int, last: int) -> str:
    if request.args.get("back") == "check" or n >= last:
        return url_for("portal.check", app_id=app_id)
    return url_for("portal.step", app_id=app_id, n=n + 1)


@bp.post("/services/<code>/apply")
@requires(Role.CITIZEN)
def apply(code: str) -> Response:
    """Start a draft and go to its first step."""
    app = services.start_application(db(), actor(), code, lang=current())
    return redirect(url_for("portal.step", app_id=app.id, n=1))


@bp.route("/applications/<id:app_id>/step/<id:n>", methods=["GET", "POST"])
@requires(Role.CITIZEN)
def step(app_id: int, n: int) -> str | Response:
    app = services.get_application(db(), actor(), app_id)
    item, steps = _steps(app)
    documents = n == len(steps) + 1 and bool(item.materials)
    if not (1 <= n <= len(steps) or documents):
        abort(404)
    if app.status not in ("draft", "supplement_requested"):
        return redirect(url_for("portal.application", app_id=app_id))
    last = len(steps) + (1 if item.materials else 0)
    if documents:
        return _documents(app, item, n, last)
    spec = steps[n - 1]
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers = schemaform.read(spec["fields"], request.form)
        app = services.save_answers(db(), actor(), app_id, version=_version(), answers=answers,
                                    step=n, lang=current())
        errors = schemaform.errors_for(spec["fields"], app.errors_i18n)
        if _later():
            return _saved_for_later()
        if not errors:
            return redirect(_after_step(app_id, n, last))
    return render_template(
        "portal/step.html", app=app, item=item, step=spec, n=n, last=last,
        fields=schemaform.fields(spec["fields"], app, errors), errors=errors,
    )


def _documents(app: Any, item: Any, n: int, last: int,
               errors: dict[str, str] | None = None) -> str | Response:
    errors = dict(errors or {})
    if request.method == "POST" and not errors:
        app, errors = _upload(app, item)
        if _later() and not errors:
            return _saved_for_later()
        if not errors:
            missing = [m for m in item.materials if m["code"] in app.missing_materials]
            if not missing:
                return redirect(_after_step(app.id, n, last))
            for m in missing:
                errors[m["code"]] = "missing"
    offers = {m["code"]: services.preview_evidence(db(), actor(), app.id, m["code"])
              for m in item.materials if m.get("evidence_type")}
    have = {m.material_code: m for m in app.materials}
    return render_template("portal/documents.html", app=app, item=item, n=n, last=last,
                           have=have, offers=offers, errors=errors)


def _upload(app: Any, item: Any) -> tuple[Any, dict[str, str]]:
    """Store the chosen files all at once (``services.attach_materials``): if any file is
    wrong, nothing is stored and every bad file gets its own message; the required documents
    neither chosen now nor provided before are "missing" too, so the page lists every problem
    at once."""
    files = {}
    for m in item.materials:
        upload = request.files.get(f"file-{m['code']}")
        if upload is not None and upload.filename:
            files[m["code"]] = (upload.filename, upload.read())
    version = _version()
    if not files:
        return app, {}
    try:
        return services.attach_materials(db(), actor(), app.id, files, version=version), {}
    except InvalidInput as e:
        rollback()
        fields = e.fields or {}
        errors = {m["code"]: fields.get(f"materials.{m['code']}") for m in item.materials}
        errors = {code: msg for code, msg in errors.items() if msg}
        if not errors:  # not about one file (e.g. an unknown material): say it at the top
            errors[""] = e.message
        app = services.get_application(db(), actor(), app.id)
        for m in item.materials:
            if m["code"] in app.missing_materials and m["code"] not in files and \
                    m["code"] not in errors and m.get("required", True):
                errors[m["code"]] = "missing"
        return app, errors


def _later() -> bool:
    """The "save and come back later" button: what was typed is saved (the valid answers;
    the services API keeps those), then the applicant goes to their applications."""
    return request.form.get("later") == "1"


def _saved_for_later() -> Response:
    flash(_("Your answers are saved. You can continue this application later."), "success")
    return redirect(url_for("portal.applications"))


@bp.post("/applications/<id:app_id>/reuse")
@requires(Role.CITIZEN)
def reuse(app_id: int) -> tuple[str | Response, int] | Response:
    """Use a certificate already held instead of uploading (after seeing it on the page).
    A certificate that cannot serve (expired, not yours, another kind) is said at the
    document on the documents page, which stays as it was."""
    try:
        certificate = int(request.form.get("certificate_id", ""))
    except ValueError:
        abort(400)
    app = services.get_application(db(), actor(), app_id)
    item, steps = _steps(app)
    code = request.form.get("material_code", "")
    try:
        services.reuse_certificate(db(), actor(), app_id, code, certificate,
                                   version=_version())
    except InvalidInput:
        rollback()
        if code not in {m["code"] for m in item.materials}:
            abort(400)
        app = services.get_application(db(), actor(), app_id)
        last = len(steps) + 1
        message = _("This certificate cannot be used for this document (it may have expired): "
                    "upload the document instead")
        return _documents(app, item, last, last, {code: message}), 422
    return redirect(url_for("portal.step", app_id=app_id, n=len(steps) + 1,
                            **({"back": "check"} if request.args.get("back") else {})))


@bp.route("/applications/<id:app_id>/check", methods=["GET", "POST"])
@requires(Role.CITIZEN)
def check(app_id: int) -> str | Response:
    app = services.get_application(db(), actor(), app_id)
    if app.status not in ("draft", "supplement_requested"):
        return redirect(url_for("portal.application", app_id=app_id))
    if request.method == "POST":
        action = "submit" if app.status == "draft" else "answer_supplement"
        summary = services.check_answers(db(), actor(), app_id)
        if summary["ready"]:
            services.act(db(), actor(), app_id, action, version=_version())
            return redirect(url_for("portal.submitted", app_id=app_id))
    item, steps = _steps(app)
    summary = services.check_answers(db(), actor(), app_id)
    return render_template("portal/check.html", app=app, item=item, summary=summary,
                           steps=steps, documents_step=len(steps) + 1,
                           skipped=schemaform.not_applying(summary),
                           tried=request.method == "POST")


@bp.get("/applications/<id:app_id>/submitted")
@requires(Role.CITIZEN)
def submitted(app_id: int) -> str:
    app = services.get_application(db(), actor(), app_id)
    return render_template("portal/submitted.html", app=app)
