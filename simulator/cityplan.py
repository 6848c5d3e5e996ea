"""The shape of the city the capacity model needs: districts, streets, communities, weights.

No geometry: a synthetic city's counts come from ``simulator.city.plan_counts`` (the same
numbers ``jinzhi seed`` builds), a real city's from the ``core_area`` table.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from core.areas.codes import Level, child_code
from core.areas.models import Area
from core.errors import InvalidInput
from simulator.city import CITY_CODE, plan_counts
from simulator.names import Namer


@dataclass(frozen=True)
class CityPlan:
    """Areas in code order; parents are indices into the level above."""

    district_codes: tuple[str, ...]
    district_names: tuple[str, ...]
    street_codes: tuple[str, ...]
    street_district: tuple[int, ...]
    community_codes: tuple[str, ...]
    community_street: tuple[int, ...]
    weights: tuple[float, ...]  # per community: its number of grids (a proxy for people)

    def count(self, level: str) -> int:
        return {
            "city": 1,
            "district": len(self.district_codes),
            "street": len(self.street_codes),
            "community": len(self.community_codes),
        }[level]

    def community_district(self, c: int) -> int:
        return self.street_district[self.community_street[c]]

    def load(self, level: str) -> list[float]:
        """The community weights summed per area of ``level`` (staff are shared by load)."""
        out = [0.0] * self.count(level)
        for c, w in enumerate(self.weights):
            if level == "community":
                out[c] += w
            elif level == "street":
                out[self.community_street[c]] += w
            elif level == "district":
                out[self.community_district(c)] += w
            else:
                out[0] += w
        return out


def synthetic(scale: str, seed: int) -> CityPlan:
    plan = plan_counts(scale, seed)
    namer = Namer(seed)
    taken: set[str] = set()
    d_codes = [child_code(CITY_CODE, i + 1) for i in range(plan.districts)]
    d_names = [namer.district(i + 1, taken)[0] for i in range(plan.districts)]
    s_codes, s_dist, c_codes, c_street = [], [], [], []
    for d, n in enumerate(plan.streets):
        for k in range(n):
            s_codes.append(child_code(d_codes[d], k + 1))
            s_dist.append(d)
    for s, n in enumerate(plan.communities):
        for k in range(n):
            c_codes.append(child_code(s_codes[s], k + 1))
            c_street.append(s)
    return CityPlan(tuple(d_codes), tuple(d_names), tuple(s_codes), tuple(s_dist),
                    tuple(c_codes), tuple(c_street), tuple(float(g) for g in plan.grids))


def from_database(session: Session) -> CityPlan:
    """The city stored in the database (areas seeded or imported)."""
    rows = session.execute(
        select(Area.code, Area.level, Area.parent_code, Area.name)
        .where(Area.level.in_([int(Level.DISTRICT), int(Level.STREET), int(Level.COMMUNITY)]))
        .order_by(Area.code)
    ).all()
    child = aliased(Area)
    grids = dict(session.execute(
        select(child.parent_code, func.count()).where(child.level == int(Level.GRID))
        .group_by(child.parent_code)
    ).all())
    districts = [r for r in rows if r.level == Level.DISTRICT]
    streets = [r for r in rows if r.level == Level.STREET]
    communities = [r for r in rows if r.level == Level.COMMUNITY]
    if not communities:
        raise InvalidInput("the database has no communities: run `jinzhi seed` or import areas")
    d_index = {r.code: i for i, r in enumerate(districts)}
    s_index = {r.code: i for i, r in enumerate(streets)}
    try:
        return CityPlan(
            tuple(r.code for r in districts), tuple(r.name for r in districts),
            tuple(r.code for r in streets), tuple(d_index[r.parent_code] for r in streets),
            tuple(r.code for r in communities),
            tuple(s_index[r.parent_code] for r in communities),
            tuple(float(max(grids.get(r.code, 1), 1)) for r in communities),
        )
    except KeyError as e:
        raise InvalidInput(f"area {e.args[0]} is a parent that is not in the database") from None
