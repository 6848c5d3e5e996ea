"""Constants and helpers shared by the grid plugin's tests (a uniquely named module, so a
test file never picks up another folder's ``conftest``)."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.identity.accounts import load_actor
from core.identity.models import Account
from core.identity.roles import Actor

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # as tests/
D1, S1, C1, G1 = "120101", "120101001", "120101001001", "120101001001001"
CITY_MGMT = f"{D1}.city_management"
ITEM = "0101"  # 暴露垃圾: city management, 4 working hours, may be handled on the spot
SLOW_ITEM = "0102"  # 积存垃圾渣土: city management, 2 working days, not on the spot
COMMUNITY_ITEM = "0401"  # 邻里纠纷: the community is responsible (属地)


def load(session: Session, username: str) -> Actor:
    account_id = session.scalar(select(Account.id).where(Account.username == username))
    assert account_id is not None, f"no demo account {username}"
    found = load_actor(session, account_id)
    assert found is not None
    return found


def png(seed: int = 0, size: int = 1) -> bytes:
    """A valid tiny PNG (different bytes for each seed)."""
    raw = b"".join(b"\x00" + bytes([seed % 256, 0, 0]) * size for _ in range(size))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0,
                                                               0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
