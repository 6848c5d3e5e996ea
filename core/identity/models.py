"""Identity tables: persons, organisations, departments and staff/citizen accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.types import Name, Timestamp, intpk


class Person(Base):
    """A natural person, keyed by the GB 11643 resident identity number."""

    __tablename__ = "core_person"

    id: Mapped[intpk]
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[Name]
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(300))
    home_grid: Mapped[str | None] = mapped_column(
        String(15), ForeignKey("core_area.code"), index=True
    )


class Organisation(Base):
    """A company or institution, keyed by the GB 32100 unified social credit code."""

    __tablename__ = "core_organisation"

    id: Mapped[intpk]
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[Name]
    kind: Mapped[str | None] = mapped_column(String(60))
    legal_rep_id: Mapped[int | None] = mapped_column(ForeignKey("core_person.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    premises_grid: Mapped[str | None] = mapped_column(
        String(15), ForeignKey("core_area.code"), index=True
    )
    lon: Mapped[float | None]
    lat: Mapped[float | None]


class Department(Base):
    """A government unit that handles events or service items (e.g. a district's 城管委)."""

    __tablename__ = "core_department"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[Name]
    name_en: Mapped[str | None] = mapped_column(String(200))
    dept_type: Mapped[str] = mapped_column(String(40), index=True)
    area_code: Mapped[str] = mapped_column(String(15), ForeignKey("core_area.code"), index=True)


class Account(Base):
    """A login. Staff accounts have a role and a scope (an area); citizens link to a person."""

    __tablename__ = "core_account"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[Name]
    role: Mapped[str] = mapped_column(String(30), index=True)
    scope_code: Mapped[str | None] = mapped_column(String(15), ForeignKey("core_area.code"))
    department_code: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("core_department.code"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("core_person.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[Timestamp | None]
    created_at: Mapped[Timestamp]
