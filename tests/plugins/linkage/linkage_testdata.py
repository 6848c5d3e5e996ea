"""Helpers shared by the linkage tests (a uniquely named module): demo actors, applications
taken to approval, grid events walked through the grid's workflow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.contracts import RecordRef
from core.identity.accounts import load_actor
from core.identity.models import Account
from core.identity.roles import Actor

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
PDF = b"%PDF-1.7\n" + bytes(200)

FIRE_CHECK = "fire.venue-safety-check"
FIRE_ANSWERS = {"venue_name": "贝乐多幼儿园中北园", "address": "西青区中北镇星光路12号",
                "floor_area_m2": 1500, "capacity": 200, "phone": "13812345678",
                "delivery_method": "electronic"}
KINDERGARTEN = "edu.kindergarten-licence"
KINDERGARTEN_ANSWERS = {
    "founder_name": "刘颖", "phone": "13812345678", "kindergarten_name": "贝乐多幼儿园中北园",
    "address": "西青区中北镇星光路12号", "site_area_m2": 1500, "outdoor_area_m2": 700,
    "classes": 4, "children": 120, "opening_date": "2026-09-01", "principal_name": "刘颖",
    "principal_years": 8, "teachers": 10, "delivery_method": "electronic"}
FOOD_LICENCE = "market.food-business-licence"
FOOD_ANSWERS = {"business_name": "张记早点铺", "address": "西青区中北镇星光路18号",
                "categories": ["热食类食品制售"], "area_m2": 40, "manager_name": "张伟",
                "phone": "13812345678", "delivery_method": "electronic"}
COMPANY = "market.company-registration"
COMPANY_ANSWERS = {"business_name": "张记早点铺", "address": "西青区中北镇星光路18号",
                   "scope": "餐饮服务", "capital_cny": 50000, "legal_rep": "王建国",
                   "phone": "13812345678", "delivery_method": "electronic"}


def load(session: Session, username: str) -> Actor:
    account_id = session.scalar(select(Account.id).where(Account.username == username))
    assert account_id is not None, f"no demo account {username}"
    found = load_actor(session, account_id)
    assert found is not None
    return found


def draft(session: Session, applicant: Actor, item_code: str, answers: Mapping[str, Any],
          *, skip: tuple[str, ...] = (), on_behalf_of: str | None = None):
    """A draft with every answer and every material uploaded except ``skip``."""
    from plugins.services import api as services

    v = services.start_application(session, applicant, item_code, on_behalf_of=on_behalf_of)
    v = services.save_answers(session, applicant, v.id, version=v.version, answers=answers)
    assert v.errors == {}, v.errors
    item = services.get_item(session, item_code).data
    for m in item["materials"]:
        if m["code"] in skip or not m["required"]:
            continue
        content = PDF if "pdf" in m["formats"] else PNG
        v = services.attach_material(session, applicant, v.id, m["code"],
                                     filename=f"{m['code']}.pdf", content=content,
                                     version=v.version)
    return v


def approve(session: Session, applicant: Actor, clerk: Actor, item_code: str,
            answers: Mapping[str, Any], *, on_behalf_of: str | None = None):
    """An application of ``item_code`` taken from draft to approved (a certificate issued)."""

    v = draft(session, applicant, item_code, answers, on_behalf_of=on_behalf_of)
    return finish(session, applicant, clerk, v)


def finish(session: Session, applicant: Actor, clerk: Actor, v):
    from plugins.services import api as services

    v = services.submit(session, applicant, v.id, version=v.version)
    v = services.act(session, clerk, v.id, "accept", version=v.version)
    v = services.act(session, clerk, v.id, "approve", version=v.version)
    assert v.status == "approved" and v.certificate_id, v
    return v


def step(session: Session, event_id: str, action: str, username: str, **fields: Any):
    """Take one grid workflow action as ``username`` at the event's current version."""
    from plugins.grid import api as grid

    ev = grid.get_event(session, load(session, "commander.city"), event_id)
    return grid.act(session, load(session, username), event_id, action, version=ev.version,
                    **fields)


def to_verified(session: Session, event_id: str, handler: str) -> None:
    """A reported event registered, dispatched, handled and verified on site."""
    step(session, event_id, "register", "commander.c1")
    step(session, event_id, "dispatch", "commander.c1")
    step(session, event_id, "accept", handler)
    step(session, event_id, "feedback", handler, note="已责令停止经营并指导办证")
    step(session, event_id, "verify_pass", "worker.g1", note="现场核查")


def status_is(ref: RecordRef, code: str) -> bool:
    """Whether a grid event's status is ``code``, with the grid plugin's label for it."""
    from plugins.grid.workflow import STATUSES

    return ref.status == code and ref.label == STATUSES[code]["zh"]


INDIVIDUAL_BUSINESS = "market.individual-business-registration"
INDIVIDUAL_ANSWERS = {"business_name": "张记早点铺", "address": "西青区中北镇星光路18号",
                      "scope": "早餐制售", "capital_cny": 30000, "phone": "13812345678",
                      "delivery_method": "electronic"}
