"""Column shapes used across the models, as ``Annotated`` aliases (SQLAlchemy 2.0 style)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores an aware datetime as naive UTC; returns it aware in UTC on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column; use core.clock")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
AreaCode = Annotated[str, mapped_column(String(15))]
Timestamp = Annotated[dt.datetime, mapped_column(UTCDateTime())]
Name = Annotated[str, mapped_column(String(200))]
JSONDict = Annotated[dict[str, Any], mapped_column(JSON)]
