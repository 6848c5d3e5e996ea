"""Catalog search on the database's full-text index, never a Python loop.

Neither FTS5's ``unicode61`` nor PostgreSQL's ``simple`` configuration segments Chinese, so
each item stores ``search_tokens``: its Chinese text as single characters *and* overlapping
bigrams, its Latin text as lower-case words. A query is turned into the same tokens and all
must match (Latin words as prefixes). SQLite indexes the column with the FTS5 table
``svc_item_fts`` (external content, kept by triggers); PostgreSQL with a GIN index over
``to_tsvector('simple', search_tokens)``. Both are created by the migration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Select, column, func, literal_column, or_, select, table
from sqlalchemy.orm import Session

from plugins.services.models import FTS_TABLE, Item

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z0-9]+")


def _cjk_tokens(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]


def tokens(text: str) -> list[str]:
    """Index tokens of ``text``: CJK unigrams and bigrams, Latin words."""
    out: list[str] = []
    for run in _RUNS.findall(text.lower()):
        if run[0].isascii():
            out.append(run)
        else:
            out.extend(run)
            if len(run) > 1:
                out.extend(_cjk_tokens(run))
    return out


def index_text(item: Mapping[str, Any]) -> str:
    """The ``search_tokens`` of an item: name, keywords, code and authority."""
    parts: list[str] = [item["name"]["zh"], item["name"]["en"], item["code"].replace(".", " ")]
    parts.extend(item.get("keywords") or [])
    for key in ("competent_authority",):
        if item.get(key):
            parts.extend(item[key].values())
    return " ".join(dict.fromkeys(tokens(" ".join(parts))))


def query_terms(q: str) -> list[tuple[str, bool]]:
    """``(token, is_prefix)`` pairs that must all match."""
    terms: list[tuple[str, bool]] = []
    for run in _RUNS.findall(q.lower()):
        if run[0].isascii():
            terms.append((run, True))
        else:
            terms.extend((t, False) for t in _cjk_tokens(run))
    return list(dict.fromkeys(terms))


def _fts5_query(terms: Iterable[tuple[str, bool]]) -> str:
    return " AND ".join(f'"{t}"*' if prefix else f'"{t}"' for t, prefix in terms)


def _tsquery(terms: Iterable[tuple[str, bool]]) -> str:
    return " & ".join(f"'{t}':*" if prefix else f"'{t}'" for t, prefix in terms)


def filtered(
    stmt: Select, *, level: str | None = None, type: str | None = None,
    department: str | None = None, district: str | None = None,
) -> Select:
    """Apply the catalog filters. ``district`` keeps that district's own items and the
    items offered in every district (no area of their own)."""
    if level:
        stmt = stmt.where(Item.level == level)
    if type:
        stmt = stmt.where(Item.type == type)
    if department:
        stmt = stmt.where(Item.department == department)
    if district:
        stmt = stmt.where(or_(Item.area_code.is_(None), Item.area_code.startswith(district)))
    return stmt


def matching(session: Session, stmt: Select, q: str | None) -> tuple[Select, Any]:
    """Restrict ``stmt`` to items matching ``q``; returns it and the ORDER BY to use."""
    terms = query_terms(q or "")
    if not terms:
        return stmt, Item.code
    if session.get_bind().dialect.name == "sqlite":
        fts = table(FTS_TABLE, column("rowid"))
        stmt = stmt.join(fts, fts.c.rowid == Item.id).where(
            literal_column(FTS_TABLE).op("MATCH")(_fts5_query(terms))
        )
        return stmt, literal_column(f"{FTS_TABLE}.rank")
    vector = func.to_tsvector(literal_column("'simple'::regconfig"), Item.search_tokens)
    query = func.to_tsquery(literal_column("'simple'::regconfig"), _tsquery(terms))
    return stmt.where(vector.op("@@")(query)), func.ts_rank(vector, query).desc()


def search(
    session: Session, *, q: str | None = None, page: int = 1, per_page: int = 20, **filters: Any
) -> tuple[list[Item], int]:
    """One page of matching items (best first) and the total number of matches."""
    stmt, order = matching(session, filtered(select(Item), **filters), q)
    total = session.scalar(stmt.with_only_columns(func.count(Item.id)).order_by(None)) or 0
    rows = session.scalars(
        stmt.order_by(order, Item.code).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(rows), total
