"""Fixtures for the services plugin's tests: demo actors, files, a kindergarten application."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from services_testdata import ANSWERS_BY_STEP, KINDERGARTEN, REQUIRED_FILES, load
from sqlalchemy.orm import Session

from core.identity.accounts import create_account
from core.identity.gb32100 import make_credit_code
from core.identity.models import Person
from core.identity.registry import register_organisation
from core.identity.roles import Actor
from plugins.services import api


@pytest.fixture
def citizen(session: Session) -> Actor:
    return load(session, "citizen1")


@pytest.fixture
def clerk(session: Session) -> Actor:
    return load(session, "clerk.d1")


@pytest.fixture
def other_clerk(session: Session) -> Actor:
    """A clerk of the second district."""
    create_account(session, "clerk.d2", "jinzhi-demo", "clerk", scope_code="120102",
                   fast_hash=True)
    return load(session, "clerk.d2")


@pytest.fixture
def other_citizen(session: Session, citizen: Actor) -> Actor:
    import datetime as dt

    from core.identity.gb11643 import make_resident_id
    from core.identity.registry import register_person

    me = session.get(Person, citizen.person_id)
    p = register_person(session, make_resident_id("120102", dt.date(1990, 1, 2), 77), "王敏",
                        home_grid=me.home_grid)
    create_account(session, "citizen.other", "jinzhi-demo", "citizen", person_id=p.id,
                   fast_hash=True)
    return load(session, "citizen.other")


@pytest.fixture
def org(session: Session, citizen: Actor) -> Any:
    """A kindergarten company whose legal representative is citizen1."""
    me = session.get(Person, citizen.person_id)
    code = make_credit_code(random.Random(7), "120101")
    return register_organisation(session, code, "天津贝乐多教育咨询有限公司",
                                 legal_rep_id=me.id, premises_grid=me.home_grid)


@pytest.fixture
def ready(session: Session, citizen: Actor) -> Callable[..., api.ApplicationView]:
    """A kindergarten application with every answer and file, not yet submitted."""

    def make(actor: Actor | None = None, **kwargs: Any) -> api.ApplicationView:
        who = actor or citizen
        v = api.start_application(session, who, KINDERGARTEN, **kwargs)
        for n, answers in enumerate(ANSWERS_BY_STEP, start=1):
            v = api.save_answers(session, who, v.id, version=v.version, answers=answers, step=n)
            assert v.errors == {}, v.errors
        for code, content in REQUIRED_FILES.items():
            v = api.attach_material(session, who, v.id, code, filename=f"{code}.bin",
                                    content=content, version=v.version)
        return v

    return make


@pytest.fixture
def submitted(ready, session: Session, citizen: Actor) -> api.ApplicationView:
    v = ready()
    return api.submit(session, citizen, v.id, version=v.version)


@pytest.fixture
def accepted(submitted, session: Session, clerk: Actor) -> api.ApplicationView:
    return api.act(session, clerk, submitted.id, "accept", version=submitted.version)
