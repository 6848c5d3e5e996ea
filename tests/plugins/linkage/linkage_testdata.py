"""Helpers shared by the linkage tests (a uniquely named module): demo actors, applications
taken to approval, and a stand-in grid plugin used only while the real one cannot take
reports through ``linkage_open_case``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas.locate import locator_for
from core.contracts import CaseRequest, DomainEvent, RecordRef
from core.errors import InvalidTransition, PermissionDenied
from core.hookspecs import hookimpl
from core.identity.accounts import load_actor
from core.identity.models import Account
from core.identity.roles import Actor
from core.platform import Platform

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


class FakeGrid:
    """Takes reports (``grid.event``) like the grid plugin: status ``reported``, a
    ``grid.event.report`` domain event, closing only when ``verified`` (set by tests)."""

    def __init__(self) -> None:
        self.events: dict[str, dict[str, Any]] = {}

    @hookimpl(tryfirst=True)
    def catalog_event_items(self):
        return [{"code": "0101", "zh": "暴露垃圾", "citizen": True},
                {"code": "0801", "zh": "无照经营", "tags": ["licence"]},
                {"code": "0804", "zh": "无证食品经营", "tags": ["licence"]}]

    @hookimpl(tryfirst=True)
    def linkage_open_case(self, session: Session, request: CaseRequest, actor: Actor):
        if request.kind != "grid.event":
            return None
        return self.report(session, actor, **request.data)

    def report(self, session: Session, actor: Actor, **data: Any) -> RecordRef:
        """What a grid worker's report does: an event, announced after commit."""
        eid = str(900_000 + len(self.events) + 1)
        grid = data.get("grid_code")
        if grid is None:
            grid = locator_for(session).locate(data["lon"], data["lat"]).grid
        self.events[eid] = {**data, "grid_code": grid, "status": "reported",
                            "actor": actor.username}
        platform = Platform.of(session)
        platform.publish(session, DomainEvent(
            "grid.event.report", "grid.event", eid, platform.now(), actor.username,
            area_code=grid, data={"item_code": data["item_code"], "grid_code": grid,
                                  "lon": data.get("lon"), "lat": data.get("lat")}))
        return self._ref(eid)

    @hookimpl(tryfirst=True)
    def linkage_record_status(self, session: Session, record: RecordRef):
        if record.type != "grid.event" or record.id not in self.events:
            return None
        return self._ref(record.id)

    @hookimpl(tryfirst=True)
    def linkage_record_action(self, session, record, action, data, actor):
        if record.type != "grid.event" or record.id not in self.events:
            return None
        ev = self.events[record.id]
        if not actor.has_role("commander"):
            raise PermissionDenied("only commanders may close events")
        if ev["status"] != "verified":
            raise InvalidTransition(f"cannot close an event that is {ev['status']}")
        ev.update(status="closed", evidence=list(data["evidence"]), note=data.get("note"))
        return self._ref(record.id)

    def _ref(self, eid: str) -> RecordRef:
        ev = self.events[eid]
        return RecordRef("grid.event", eid, title=f"{ev['item_code']} {ev['description'][:20]}",
                         status=ev["status"])

INDIVIDUAL_BUSINESS = "market.individual-business-registration"
INDIVIDUAL_ANSWERS = {"business_name": "张记早点铺", "address": "西青区中北镇星光路18号",
                      "scope": "早餐制售", "capital_cny": 30000, "phone": "13812345678",
                      "delivery_method": "electronic"}
