"""Synthetic residents and organisations: valid numbers, homes in grids, determinism."""

from __future__ import annotations

import shapely
from sqlalchemy import func, select

from core.areas.models import Area
from core.identity.gb11643 import parse_resident_id
from core.identity.gb32100 import parse_credit_code
from core.identity.models import Organisation, Person
from simulator.population import (
    ORG_KINDS,
    REFERENCE_DAY,
    generate_organisations,
    generate_people,
    seed_population,
)

GRIDS = ["120101001001001", "120102003004005", "120116010020003"]
BOXES = list(shapely.box([117.1, 117.2, 117.3], 39.0, [117.11, 117.21, 117.31], 39.01))


def test_people_have_valid_unique_identity_numbers() -> None:
    people = generate_people(7, GRIDS, 300)
    numbers = [p["id_number"] for p in people]
    assert len(set(numbers)) == 300
    for p in people:
        rid = parse_resident_id(p["id_number"])
        assert rid.sex == p["sex"] and rid.birth_date == p["birth_date"]
        assert rid.area_code == p["home_grid"][:6]
        assert p["home_grid"] in GRIDS
        assert p["birth_date"] < REFERENCE_DAY
        assert p["name"] and p["phone"]
    assert {p["sex"] for p in people} == {"M", "F"}


def test_people_are_deterministic_per_seed() -> None:
    assert generate_people(7, GRIDS, 50) == generate_people(7, GRIDS, 50)
    assert generate_people(7, GRIDS, 50) != generate_people(8, GRIDS, 50)


def test_people_avoid_taken_numbers() -> None:
    first = generate_people(7, GRIDS, 20)
    taken = {p["id_number"] for p in first}
    again = generate_people(7, GRIDS, 20, taken=taken)
    assert not taken & {p["id_number"] for p in again}


def test_organisations_have_valid_codes_and_premises_inside_their_grid() -> None:
    orgs = generate_organisations(3, GRIDS, BOXES, 200, people=10)
    assert len({o["credit_code"] for o in orgs}) == 200
    assert len({o["name"] for o in orgs}) == 200
    for o in orgs:
        cc = parse_credit_code(o["credit_code"])
        assert cc.area_code == o["premises_grid"][:6]
        assert (cc.authority, cc.org_type) == ORG_KINDS[o["kind"]][1:]
        box = BOXES[GRIDS.index(o["premises_grid"])]
        assert shapely.contains_xy(box, o["lon"], o["lat"])
        assert o["legal_rep"] is None or 0 <= o["legal_rep"] < 10
    assert generate_organisations(3, GRIDS, BOXES, 20) == generate_organisations(
        3, GRIDS, BOXES, 20
    )
    assert generate_organisations(3, GRIDS, BOXES, 20) != generate_organisations(
        4, GRIDS, BOXES, 20
    )


def test_seeded_demo_has_its_population(session) -> None:
    assert session.scalar(select(func.count()).select_from(Person)) == 500 + 1  # + citizen1
    assert session.scalar(select(func.count()).select_from(Organisation)) == 50


def test_seed_population_adds_more_in_the_grids(session) -> None:
    before = session.scalar(select(func.count()).select_from(Person))
    summary = seed_population(session, 40, 10, seed=99)
    assert (summary.people, summary.organisations) == (40, 10)
    assert session.scalar(select(func.count()).select_from(Person)) == before + 40
    orgs = session.scalars(select(Organisation).order_by(Organisation.id.desc()).limit(10)).all()
    for org in orgs:
        grid = session.get(Area, org.premises_grid)
        assert shapely.contains_xy(shapely.from_wkb(grid.geometry), org.lon, org.lat)
        assert org.address.startswith("天津市")
        if org.legal_rep_id is not None:
            assert session.get(Person, org.legal_rep_id) is not None
