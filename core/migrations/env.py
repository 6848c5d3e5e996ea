"""Alembic environment: run with a connection handed over by ``core.schema``."""

from __future__ import annotations

from alembic import context

from core.db import metadata
from core.types import UTCDateTime

config = context.config
connection = config.attributes["connection"]
prefix = config.attributes.get("table_prefix")


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    if prefix and type_ == "table":
        return bool(name and name.startswith(prefix))
    return True


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render our column types as plain SQLAlchemy ones, so migrations never import models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name,
    render_item=render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
