"""Exports of long lists: CSV streamed row by row, Excel through openpyxl's write-only mode.

Rows come from a generator that pages through a plugin API, so memory stays flat whatever the
size; an export stops at ``MAX_ROWS`` (a line says so) to keep one request bounded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from flask import Response, stream_with_context

from web.database import platform

MAX_ROWS = 200_000
BATCH = 500


def paged(fetch: Callable[[int, int], Sequence[Any]], limit: int = MAX_ROWS) -> Iterator[Any]:
    """Every item ``fetch(page, per_page)`` yields, page by page, up to ``limit``."""
    page, count = 1, 0
    while count < limit:
        batch = fetch(page, BATCH)
        for item in batch:
            yield item
            count += 1
            if count >= limit:
                return
        if len(batch) < BATCH:
            return
        page += 1


def _local(value: Any) -> Any:
    """Aware datetimes in the city's time zone, without the zone (spreadsheets have none)."""
    if getattr(value, "tzinfo", None) is not None:
        return value.astimezone(platform().tz).replace(tzinfo=None)
    return value


def _cell(value: Any) -> Any:
    value = _local(value)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "hour") \
            else value.isoformat()
    return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A streamed CSV (UTF-8 with BOM so Excel opens Chinese text correctly)."""

    def generate() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(header)
        yield "\ufeff" + buf.getvalue()
        for row in rows:
            buf.seek(0)
            buf.truncate()
            writer.writerow([_cell(v) for v in row])
            yield buf.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8",
                    headers=_disposition(f"{filename}.csv"))


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
                  ) -> Response:
    """An Excel workbook written in openpyxl's write-only (streaming) mode."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(filename[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_xl(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=_disposition(f"{filename}.xlsx"),
    )


def _xl(value: Any) -> Any:
    value = _local(value)
    if isinstance(value, dict):
        return str(value)
    return value


def _disposition(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store"}


def respond(fmt: str, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
            ) -> Response:
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows)
    return csv_response(filename, header, rows)
