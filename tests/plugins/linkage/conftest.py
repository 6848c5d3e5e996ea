"""Fixtures for the linkage tests: demo actors and a shop at citizen1's home."""

from __future__ import annotations

import random

import pytest
from linkage_testdata import load
from sqlalchemy.orm import Session

from core.areas.locate import locator_for
from core.identity.gb32100 import make_credit_code
from core.identity.models import Organisation, Person
from core.identity.registry import register_organisation
from core.identity.roles import Actor


@pytest.fixture
def citizen(session: Session) -> Actor:
    return load(session, "citizen1")


@pytest.fixture
def me(session: Session, citizen: Actor) -> Person:
    person = session.get(Person, citizen.person_id)
    assert person is not None
    return person


@pytest.fixture
def clerk(session: Session) -> Actor:
    return load(session, "clerk.d1")


@pytest.fixture
def admin(session: Session) -> Actor:
    return load(session, "admin")


@pytest.fixture
def worker(session: Session) -> Actor:
    return load(session, "worker.g1")


@pytest.fixture
def commander(session: Session) -> Actor:
    return load(session, "commander.c1")


@pytest.fixture
def shop(session: Session, me: Person) -> Organisation:
    """A breakfast shop in citizen1's grid, citizen1 its legal representative, with premises
    at the grid's label point."""
    loc = locator_for(session)
    assert loc.grid(me.home_grid)
    from core.areas.models import Area

    grid = session.get(Area, me.home_grid)
    code = make_credit_code(random.Random(11), me.home_grid[:6], "9", "2")
    return register_organisation(session, code, "张记早点铺", kind="individual_business",
                                 legal_rep_id=me.id, premises_grid=me.home_grid,
                                 address="星光路18号", lon=grid.label_lon, lat=grid.label_lat)
