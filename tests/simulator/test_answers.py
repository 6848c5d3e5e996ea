"""The answer generator fills every shipped service item's form so that the services plugin
accepts it: saved without errors, submitted, in every district of the small city (district
plugins' rules included, e.g. Xiqing's 9 m² of buildings per child)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from core.areas.codes import Level
from core.areas.models import Area
from core.identity.models import Person
from core.identity.roles import Actor, Role
from plugins.services import api as services
from simulator import answers, scenarios, system


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    sc = replace(scenarios.load("demo"), horizon_days=1, warmup_days=0, replications=1)
    platform = system.open_platform(sc, None, tmp_path_factory.mktemp("answers"))
    with platform.sessions() as s:
        items = [i.code for i in services.search_items(s, per_page=200).items]
        grids = list(s.scalars(select(Area.code).where(Area.level == int(Level.GRID))
                               .order_by(Area.code)))
        person = s.scalar(select(Person.id).order_by(Person.id))
    one_grid_per_district = {}
    for g in grids:
        one_grid_per_district.setdefault(g[:6], g)
    yield platform, items, sorted(one_grid_per_district.values()), person
    platform.engine.dispose()


def test_every_item_in_every_district_is_answered_and_submitted(city):
    platform, items, grids, person = city
    assert len(items) >= 30 and len(grids) >= 3
    citizen = Actor(None, "sim.citizen", Role.CITIZEN, scope_code="", person_id=person)
    problems = []
    for code in items:
        with platform.sessions() as s:
            item = services.get_item(s, code)
        form = answers.form_answers(item.data)
        mats = [m for m in item.data.get("materials") or () if m.get("required", True)]
        for grid_code in grids:
            with platform.session() as s:
                v = services.start_application(s, citizen, code, area_code=grid_code)
                v = services.save_answers(s, citizen, v.id, version=v.version, answers=form)
                if v.errors:
                    problems.append((code, grid_code, dict(v.errors)))
                    continue
                for m in mats:
                    pdf = "pdf" in m["formats"]
                    name = f"{m['code']}.{'pdf' if pdf else 'png'}"
                    v = services.attach_material(s, citizen, v.id, m["code"], filename=name,
                                                 content=system.PDF if pdf else system.PNG,
                                                 version=v.version)
                v = services.submit(s, citizen, v.id, version=v.version)
                assert v.status == "submitted", (code, grid_code, v.status)
    assert not problems


@pytest.mark.parametrize(("prop", "ok"), [
    ({"type": "string", "minLength": 12, "maxLength": 18}, lambda v: 12 <= len(v) <= 18),
    ({"type": "string", "pattern": "^[0-9]{12,19}$"}, lambda v: v.isdigit() and len(v) == 12),
    ({"type": "string", "minLength": 4, "pattern": "幼儿园"}, lambda v: "幼儿园" in v),
    ({"type": "string", "pattern": "^[0-9]{17}[0-9X]$"}, lambda v: v == answers.ID_EXAMPLE),
    ({"type": "number", "exclusiveMinimum": 0, "maximum": 300}, lambda v: 0 < v <= 300),
    ({"type": "integer", "minimum": 3, "maximum": 60}, lambda v: 3 <= v <= 60),
    ({"type": "array", "minItems": 2, "uniqueItems": True,
      "items": {"type": "string", "minLength": 2}}, lambda v: len(set(v)) == 2),
    ({"type": "array", "items": {"enum": ["a", "b"]}}, lambda v: v == ["a"]),
    ({"type": "string", "format": "date"}, lambda v: v == answers.DATE),
    ({"type": "boolean"}, lambda v: v is True),
])
def test_answer_fits_the_schema(prop, ok):
    assert ok(answers.answer("field", prop))


def test_the_example_comes_first_when_it_is_valid():
    assert answers.answer("phone", {"type": "string", "pattern": "^1[3-9][0-9]{9}$",
                                    "x-example": "13912345678"}) == "13912345678"
    # an example that breaks the field's own rule is not used
    assert answers.answer("n", {"type": "integer", "minimum": 5, "x-example": 1}) >= 5
