"""Synthetic residents and organisations: Faker ``zh_CN`` names, valid identity numbers (GB 11643)
and credit codes (GB 32100), homes and premises inside the city's grids. Same seed, same people.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from faker import Faker
from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from core.areas.codes import Level
from core.areas.models import Area
from core.identity.gb11643 import make_resident_id
from core.identity.gb32100 import make_credit_code
from core.identity.models import Organisation, Person

# Ages are counted back from this day, not from today, so the same seed gives the same people.
REFERENCE_DAY = dt.date(2025, 1, 1)
_AGES = np.arange(0, 96)
_AGE_WEIGHTS = np.where(_AGES <= 60, 1.0, (96 - _AGES) / 36.0)
# kind → (share, registration authority, organisation type) of GB 32100
ORG_KINDS: dict[str, tuple[float, str, str]] = {
    "enterprise": (0.70, "9", "1"),
    "individual_business": (0.18, "9", "2"),
    "institution": (0.06, "1", "2"),
    "social_organisation": (0.06, "5", "1"),
}
_SHOPS = ("餐馆", "超市", "理发店", "便利店", "早点铺", "修车铺", "水果店", "五金店")
_INSTITUTIONS = ("幼儿园", "小学", "中学", "卫生服务中心", "图书馆", "养老院")
_SOCIETIES = ("志愿者协会", "书法协会", "老年人协会", "商会", "体育协会", "慈善会")


@dataclass(frozen=True)
class PopulationSummary:
    people: int
    organisations: int


def _faker(seed: int, stream: int) -> Faker:
    fake = Faker("zh_CN")
    fake.seed_instance(seed * 1_000 + stream)
    return fake


def _where(addresses: Mapping[str, str] | None, grid: str) -> str:
    return (addresses or {}).get(grid, "天津市")


def generate_people(
    rng_seed: int,
    grids: Sequence[str],
    n: int,
    *,
    addresses: Mapping[str, str] | None = None,
    taken: Collection[str] = (),
) -> list[dict[str, Any]]:
    """``n`` residents as ``core_person`` rows (dicts), living in ``grids`` (15-digit codes).

    Identity numbers carry the home district's code and are unique, also against ``taken``;
    ``addresses`` maps a grid to the address prefix of its homes.
    """
    if n and not grids:
        raise ValueError("people need at least one grid to live in")
    rng = np.random.default_rng([rng_seed, 1])
    fake = _faker(rng_seed, 1)
    seen = set(taken)
    homes = rng.integers(0, len(grids), size=n)
    ages = rng.choice(_AGES, size=n, p=_AGE_WEIGHTS / _AGE_WEIGHTS.sum())
    days = rng.integers(0, 365, size=n)
    male = rng.random(n) < 0.51
    rows: list[dict[str, Any]] = []
    for i in range(n):
        grid = grids[int(homes[i])]
        birth = REFERENCE_DAY - dt.timedelta(days=int(ages[i]) * 365 + int(days[i]) + 1)
        while True:
            seq = int(rng.integers(0, 500)) * 2 + int(male[i])
            number = make_resident_id(grid[:6], birth, seq)
            if number not in seen:
                break
        seen.add(number)
        rows.append({
            "id_number": number,
            "name": fake.name_male() if male[i] else fake.name_female(),
            "sex": "M" if male[i] else "F",
            "birth_date": birth,
            "phone": fake.phone_number(),
            "address": f"{_where(addresses, grid)}{fake.random_int(1, 40)}号楼"
            f"{fake.random_int(1, 6)}门{fake.random_int(1, 30)}{fake.random_int(1, 4):02d}",
            "home_grid": grid,
        })
    return rows


def point_in(
    poly: shapely.Geometry, rng: np.random.Generator, tries: int = 64
) -> tuple[float, float]:
    """A random point inside ``poly`` (its label point if sampling keeps missing)."""
    minx, miny, maxx, maxy = poly.bounds
    xy = rng.uniform((minx, miny), (maxx, maxy), size=(tries, 2))
    inside = np.flatnonzero(shapely.contains_xy(poly, xy[:, 0], xy[:, 1]))
    if len(inside):
        return float(xy[inside[0], 0]), float(xy[inside[0], 1])
    p = poly.representative_point()
    return p.x, p.y


def _org_name(fake: Faker, kind: str, place: str, seen: set[str]) -> str:
    for _ in range(50):
        if kind == "enterprise":
            name = "天津" + fake.company()
        elif kind == "individual_business":
            name = f"{place}{fake.last_name()}记{fake.random_element(_SHOPS)}"
        elif kind == "institution":
            name = f"{place}第{fake.random_int(1, 60)}{fake.random_element(_INSTITUTIONS)}"
        else:
            name = f"{place}{fake.random_element(_SOCIETIES)}"
        if name not in seen:
            seen.add(name)
            return name
    name = f"{name}（{len(seen)}）"
    seen.add(name)
    return name


def generate_organisations(
    rng_seed: int,
    grids: Sequence[str],
    polygons: Sequence[shapely.Geometry],
    n: int,
    *,
    addresses: Mapping[str, str] | None = None,
    place_names: Mapping[str, str] | None = None,
    taken: Collection[str] = (),
    people: int = 0,
) -> list[dict[str, Any]]:
    """``n`` organisations as ``core_organisation`` rows (dicts), premises inside ``polygons``
    (WGS84, one per grid). ``legal_rep`` is an index into the ``people`` generated alongside
    (None for institutions); ``place_names`` maps a grid to a short place name for shop names.
    """
    if n and not grids:
        raise ValueError("organisations need at least one grid")
    rng = np.random.default_rng([rng_seed, 2])
    pyrng = random.Random(rng_seed * 1_000 + 2)
    fake = _faker(rng_seed, 2)
    kinds = list(ORG_KINDS)
    shares = np.array([ORG_KINDS[k][0] for k in kinds])
    chosen = rng.choice(len(kinds), size=n, p=shares / shares.sum())
    sites = rng.integers(0, len(grids), size=n)
    seen_codes, seen_names = set(taken), set()
    rows: list[dict[str, Any]] = []
    for i in range(n):
        kind = kinds[int(chosen[i])]
        _, authority, org_type = ORG_KINDS[kind]
        site = int(sites[i])
        grid = grids[site]
        while (code := make_credit_code(pyrng, grid[:6], authority, org_type)) in seen_codes:
            pass
        seen_codes.add(code)
        lon, lat = point_in(polygons[site], rng)
        place = (place_names or {}).get(grid, "")
        rows.append({
            "credit_code": code,
            "name": _org_name(fake, kind, place, seen_names),
            "kind": kind,
            "legal_rep": None if kind == "institution" or not people else pyrng.randrange(people),
            "address": f"{_where(addresses, grid)}{fake.random_int(1, 300)}号",
            "premises_grid": grid,
            "lon": lon,
            "lat": lat,
        })
    return rows


def _grid_places(session: Session) -> tuple[list[str], list[Any], dict[str, str], dict[str, str]]:
    """Grid codes, their polygons, address prefixes and community names from the database."""
    upper = select(Area.code, Area.name).where(Area.level < int(Level.GRID))
    names = {code: name for code, name in session.execute(upper)}
    rows = session.execute(
        select(Area.code, Area.geometry)
        .where(Area.level == int(Level.GRID))
        .order_by(Area.code)
    ).all()
    codes = [r[0] for r in rows]
    polygons = list(shapely.from_wkb([r[1] for r in rows])) if rows else []
    city = names.get(codes[0][:2] + "0000", "") if codes else ""
    addresses, places = {}, {}
    for code in codes:
        district, street, community = names[code[:6]], names[code[:9]], names[code[:12]]
        addresses[code] = f"{city}{district}{street}{community}"
        places[code] = community.removesuffix("社区").removesuffix("村")
    return codes, polygons, addresses, places


def seed_population(
    session: Session, n_people: int, n_orgs: int, seed: int, progress: bool = False,
    chunk: int = 2_000,
) -> PopulationSummary:
    """Generate residents and organisations in the seeded city's grids and bulk-insert them."""
    codes, polygons, addresses, places = _grid_places(session)
    if (n_people or n_orgs) and not codes:
        raise ValueError("seed the city before its population")
    taken_ids = set(session.scalars(select(Person.id_number)))
    people = generate_people(seed, codes, n_people, addresses=addresses, taken=taken_ids)
    taken_codes = set(session.scalars(select(Organisation.credit_code)))
    orgs = generate_organisations(
        seed, codes, polygons, n_orgs, addresses=addresses, place_names=places,
        taken=taken_codes, people=len(people),
    )
    bar = tqdm(total=len(people) + len(orgs), desc="people", unit=" rows", disable=not progress)
    with bar:
        for start in range(0, len(people), chunk):
            session.execute(insert(Person), people[start : start + chunk])
            bar.update(len(people[start : start + chunk]))
        ids = {number: id_ for number, id_ in session.execute(select(Person.id_number, Person.id))}
        for org in orgs:
            rep = org.pop("legal_rep")
            org["legal_rep_id"] = None if rep is None else ids[people[rep]["id_number"]]
        for start in range(0, len(orgs), chunk):
            session.execute(insert(Organisation), orgs[start : start + chunk])
            bar.update(len(orgs[start : start + chunk]))
    return PopulationSummary(len(people), len(orgs))
