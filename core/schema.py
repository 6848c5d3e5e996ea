"""Schema management through Alembic: core's migrations plus every plugin's branch."""

from __future__ import annotations

import re
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine

import core.models  # noqa: F401 - registers the core tables
from core.db import check_connection, metadata

MIGRATIONS = Path(__file__).parent / "migrations"
# Full-text indexes made by migrations outside the models are never compared: SQLite FTS5
# tables and their shadow tables (``svc_item_fts``, ``svc_item_fts_data``) and PostgreSQL
# expression indexes named ``…_tsv`` or ``…_trgm`` (``ix_svc_item_search_tsv``).
_EXTERNAL = re.compile(r"^[a-z0-9]+_\w*_fts(_[a-z]+)?$")
_EXTERNAL_INDEX = re.compile(r"^ix_\w+_(tsv|trgm)$")


def is_external_table(name: str) -> bool:
    return bool(_EXTERNAL.match(name))


def is_external(name: str | None, type_: str) -> bool:
    """Whether a reflected table or index is a full-text index kept outside the models."""
    if not name:
        return False
    if type_ == "table":
        return is_external_table(name)
    return type_ == "index" and bool(_EXTERNAL_INDEX.match(name))


def _include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    return not is_external(name, type_)


def alembic_config(pm, connection: Connection) -> AlembicConfig:
    dirs = [str(MIGRATIONS / "versions")]
    for group in pm.hook.jinzhi_migration_dirs():
        dirs.extend(group or [])
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("version_locations", " ".join(dirs))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(pm, engine: Engine, target: str = "heads") -> None:
    """Bring the database to the newest schema of core and every enabled plugin."""
    check_connection(engine)
    with engine.begin() as conn:
        command.upgrade(alembic_config(pm, conn), target)


def current(pm, engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def diff(engine: Engine) -> list:
    """Differences between the database and the models (empty when in step)."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": _include_name})
        return compare_metadata(ctx, metadata)


def revision(
    pm, engine: Engine, message: str, branch: str, directory: str,
    table_prefix: str, new_branch: bool = False,
) -> None:
    """Autogenerate a migration for one branch's tables (a developer's command)."""
    with engine.begin() as conn:
        cfg = alembic_config(pm, conn)
        cfg.attributes["table_prefix"] = table_prefix
        kwargs = (
            {"head": "base", "branch_label": branch, "depends_on": "core"}
            if new_branch
            else {"head": f"{branch}@head"}
        )
        command.revision(
            cfg, message=message, autogenerate=True, version_path=directory, **kwargs
        )
