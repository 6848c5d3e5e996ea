"""Photos: the type is read from the first bytes (JPEG, PNG or WebP, whatever the name says),
the size is capped by ``upload_max_bytes``, and files are stored, named by their hash, under
``<upload_dir>/grid/<event id>/``. Checking happens before anything is written."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from plugins.grid.models import GridPhoto

MAX_PHOTOS = 9
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True, slots=True)
class Upload:
    """A checked photo, not yet stored."""

    filename: str
    content: bytes
    fmt: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True, slots=True)
class PhotoFile:
    """A stored photo, for sending back to someone who may see the event."""

    name: str
    path: Path
    content_type: str
    size: int
    stage: str


def sniff(content: bytes) -> str | None:
    """``"jpeg"``, ``"png"`` or ``"webp"`` from the magic bytes, or None."""
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return None


def check(photos: Iterable[Any] | None, max_bytes: int, field: str = "photos") -> list[Upload]:
    """Read and check every photo; ``InvalidInput`` naming the first bad one.

    A photo is ``bytes``, ``(filename, bytes)``, a ``Path`` or a file-like object.
    """
    items = list(photos or ())
    if len(items) > MAX_PHOTOS:
        raise InvalidInput(f"at most {MAX_PHOTOS} photos, not {len(items)}",
                           fields={field: f"choose at most {MAX_PHOTOS} photos"})
    out = []
    for i, raw in enumerate(items, 1):
        filename, content = _read(raw, i)
        if not content:
            raise InvalidInput(f"photo {i} ({filename}) is empty",
                               fields={field: f"photo {i} is empty: take it again"})
        if len(content) > max_bytes:
            raise InvalidInput(
                f"photo {i} ({filename}) is {_size(len(content))}, larger than the "
                f"{_size(max_bytes)} allowed",
                fields={field: f"photo {i} must be at most {_size(max_bytes)} "
                               f"(照片不能超过{_size(max_bytes)})"})
        fmt = sniff(content)
        if fmt is None:
            raise InvalidInput(
                f"photo {i} ({filename}) is not a JPEG, PNG or WebP image",
                fields={field: f"photo {i} must be a JPEG, PNG or WebP image "
                               "(请上传JPEG、PNG或WebP格式的照片)"})
        out.append(Upload(filename, content, fmt))
    return out


def _read(raw: Any, i: int) -> tuple[str, bytes]:
    if isinstance(raw, bytes | bytearray):
        return f"photo{i}", bytes(raw)
    if isinstance(raw, tuple) and len(raw) == 2:
        name, content = raw
        if hasattr(content, "read"):
            content = content.read()
        if isinstance(content, bytes | bytearray):
            return str(name or f"photo{i}"), bytes(content)
    if isinstance(raw, Path):
        try:
            return raw.name, raw.read_bytes()
        except OSError as e:
            raise InvalidInput(f"cannot read photo {raw}: {e.strerror}",
                               fields={"photos": f"cannot read {raw.name}"}) from None
    if hasattr(raw, "read"):
        return str(getattr(raw, "filename", None) or getattr(raw, "name", f"photo{i}")), \
            raw.read()
    raise InvalidInput(f"photo {i} is not a file", fields={"photos": f"photo {i} is not a file"})


def store(session: Session, upload_dir: Path, event_id: int, stage: str,
          uploads: Iterable[Upload], by: str, now: Any) -> list[GridPhoto]:
    """Write the files and add their rows (the same file twice is stored once)."""
    folder = upload_dir / "grid" / str(event_id)
    rows = []
    for up in uploads:
        digest = up.sha256
        name = f"{digest[:16]}.{'jpg' if up.fmt == 'jpeg' else up.fmt}"
        if any(r.name == name for r in rows) or session.scalar(select(GridPhoto.id).where(
                GridPhoto.event_id == event_id, GridPhoto.name == name)):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(up.content)
        row = GridPhoto(event_id=event_id, stage=stage, name=name, path=str(path),
                        content_type=CONTENT_TYPES[up.fmt], size=len(up.content),
                        sha256=digest, uploaded_by=by, uploaded_at=now)
        session.add(row)
        rows.append(row)
    return rows


def of_event(session: Session, event_id: int) -> list[Row[Any]]:
    """The event's photos in upload order, as read-only rows (every event view asks)."""
    if session.new:  # photos stored in this unit of work are not in the table yet
        session.flush()
    return list(session.connection().execute(_OF_EVENT, {"event": event_id}))


_P = GridPhoto.__table__.c
_OF_EVENT = (select(_P.name, _P.stage, _P.content_type, _P.size, _P.uploaded_at)
             .where(_P.event_id == bindparam("event")).order_by(_P.id))


def find(session: Session, event_id: int, name: str) -> PhotoFile:
    row = session.scalar(select(GridPhoto).where(GridPhoto.event_id == event_id,
                                                 GridPhoto.name == name))
    if row is None or not Path(row.path).is_file():
        raise NotFound(f"event {event_id} has no photo {name}")
    return PhotoFile(row.name, Path(row.path), row.content_type, row.size, row.stage)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"
