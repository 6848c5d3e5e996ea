"""Helpers for the browser tests: screenshots as artifacts, logging in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
PASSWORD = "jinzhi-demo"


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot as a test artifact."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{username} could not log in: {page.url}"


def logout(page: Any) -> None:
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()


def png(rgb: tuple[int, int, int] = (200, 60, 40), size: tuple[int, int] = (64, 48)) -> bytes:
    """A small valid PNG of one colour (photos for the journeys)."""
    import struct
    import zlib

    w, h = size
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
