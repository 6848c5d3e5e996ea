"""Alembic environment: run with a connection handed over by ``core.schema``."""

from __future__ import annotations

from alembic import context

from core.db import metadata
from core.schema import is_external
from core.types import UTCDateTime

config = context.config
connection = config.attributes["connection"]
prefix = config.attributes.get("table_prefix")


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    if is_external(name, type_):
        return False
    if prefix and type_ == "table":
        return bool(name and name.startswith(prefix))
    return True


def include_object(obj: object, name: str | None, type_: str, reflected: bool, other) -> bool:
    """With a table prefix (one plugin's revision), leave every other table alone."""
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
    include_object=include_object,
    render_item=render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
