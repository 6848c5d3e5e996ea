"""Shapes shared by every resource: problems, pages, query basics, text and time types."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
)

from web.database import platform

# Text a database can store: no NUL characters (PostgreSQL refuses them).
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._@-]{1,80}$")]
AreaCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}([0-9]{3}){0,3}$")]

# A map whose keys must match its pattern (pydantic writes patternProperties only).
CLOSED_MAP = {"additionalProperties": False}


def _query_bool(value: Any) -> Any:
    if isinstance(value, str):
        if value in ("true", "false"):
            return value == "true"
        raise ValueError("use true or false")
    return value


QueryBool = Annotated[bool, BeforeValidator(_query_bool)]


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong and, in ``errors``, how to fix each field."""

    type: str = Field(description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str = Field(description="what went wrong this time, and what to do")
    instance: str | None = None
    errors: dict[str, str] | None = Field(
        None, description="field (or parameter, or header) → how to fix it")


class Body(BaseModel):
    """A request body: unknown fields are refused, types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """Query parameters; unknown ones are ignored, values are parsed from text."""

    model_config = ConfigDict(extra="ignore")


class PageQuery(Query):
    page: int = Field(1, ge=1, le=100000, description="page number, from 1")
    per_page: int = Field(20, ge=1, le=100, description="items per page (at most 100)")


T = TypeVar("T")


class PageBase(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="how many items match, on all pages")
    page: int
    per_page: int
    pages: int


_pages: dict[type, type] = {}


def page_of(model: type[BaseModel]) -> type[PageBase]:
    """``<Model>Page``: one page of ``model`` items with the totals."""
    if model not in _pages:
        _pages[model] = create_model(
            f"{model.__name__}Page", __base__=PageBase[model],  # type: ignore[valid-type]
            __doc__=f"One page of {model.__name__} items and the totals.")
    return _pages[model]


def make_page(model: type[BaseModel], items: list[Any], total: int, page: int,
              per_page: int) -> PageBase:
    pages = max(1, -(-total // per_page))
    return page_of(model)(items=items, total=total, page=page, per_page=per_page, pages=pages)


def local(value: dt.datetime | None) -> dt.datetime | None:
    """An instant in the city's time zone (answers always carry their offset)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(platform().tz)


def texts(value: Any) -> dict[str, str]:
    """A ``{"zh", "en"}`` text from a plugin's localised value (or a plain string)."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"zh": value, "en": value}
    return {str(k): str(v) for k, v in dict(value).items() if v is not None}
