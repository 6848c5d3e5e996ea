"""Refresh the query planner's statistics of a table after a migration changed its indexes.

SQLite keeps ``ANALYZE`` figures only where someone ran it; an index created later has none,
and the planner may then prefer an older index with figures over a better new one (seen at
Tianjin scale: a place profile walked the whole deadline index instead of the residents').
So a migration that adds or reshapes indexes calls ``refresh(table)``: on SQLite only when
the database has statistics at all, on PostgreSQL always (it is cheap there).
"""

from __future__ import annotations

from alembic import op


def refresh(table: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        has_stats = bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
        if not has_stats:
            return
    op.execute(f"ANALYZE {table}")
