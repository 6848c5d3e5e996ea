"""Photos: type by magic bytes, size capped, stored by hash, served only to those who see."""

from __future__ import annotations

import pytest
from grid_testdata import ITEM, png

from core.errors import InvalidInput, NotFound
from plugins.grid import api, photos

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 100
WEBP = b"RIFF\x20\0\0\0WEBPVP8 " + b"\0" * 50


def test_sniff_by_content_not_name():
    assert photos.sniff(png(1)) == "png"
    assert photos.sniff(JPEG) == "jpeg"
    assert photos.sniff(WEBP) == "webp"
    assert photos.sniff(b"GIF89a") is None
    assert photos.sniff(b"%PDF-1.4") is None


def test_check_reads_every_shape(tmp_path):
    path = tmp_path / "p.png"
    path.write_bytes(png(2))
    with open(path, "rb") as handle:
        ups = photos.check([png(1), ("x.jpg", JPEG), path, handle], 1024 * 1024)
    assert [u.fmt for u in ups] == ["png", "jpeg", "png", "png"]
    with pytest.raises(InvalidInput, match="empty"):
        photos.check([b""], 100)
    with pytest.raises(InvalidInput, match="larger than"):
        photos.check([png(1)], 10)


def test_stored_under_the_upload_dir_and_served_in_scope(session, who, new_event, platform):
    ev = new_event(photos=[("before.png", png(7)), ("same.png", png(7)), ("b.jpg", JPEG)])
    full = api.get_event(session, who("commander.c1"), ev.id)
    assert len(full.photos) == 2  # the same file twice is stored once
    first = full.photos[0]
    found = api.photo(session, who("commander.c1"), ev.id, first.name)
    assert found.path.read_bytes() == png(7) and found.content_type == "image/png"
    assert found.path.parent == platform.config.upload_dir / "grid" / str(ev.id)
    with pytest.raises(NotFound):
        api.photo(session, who("worker.g2"), ev.id, first.name)
    with pytest.raises(NotFound):
        api.photo(session, who("commander.c1"), ev.id, "../../etc/passwd")


def test_items_used_here_exist(session):
    assert api.item(session, ITEM)
