"""Test data and helpers shared by the services tests (a uniquely named module, so tests can
import it wherever pytest puts them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.identity.accounts import load_actor
from core.identity.models import Account
from core.identity.roles import Actor

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
JPEG = b"\xff\xd8\xff\xe0" + bytes(200)
PDF = b"%PDF-1.7\n" + bytes(200)

KINDERGARTEN = "edu.kindergarten-licence"
ANSWERS_BY_STEP: list[dict[str, Any]] = [
    {"founder_name": "刘颖", "phone": "13812345678"},
    {"kindergarten_name": "贝乐多幼儿园中北园", "address": "西青区中北镇星光路12号",
     "site_area_m2": 1500, "outdoor_area_m2": 700, "classes": 4, "children": 120,
     "opening_date": "2026-09-01"},
    {"principal_name": "刘颖", "principal_years": 8, "teachers": 10},
    {"delivery_method": "mail", "mail_address": "西青区中北镇星光路12号"},
]
REQUIRED_FILES = {"id_copy": PNG, "site_proof": PDF, "fire_safety": PDF, "health_check": PDF}


def load(session: Session, username: str) -> Actor:
    account_id = session.scalar(select(Account.id).where(Account.username == username))
    assert account_id is not None, f"no demo account {username}"
    found = load_actor(session, account_id)
    assert found is not None
    return found
