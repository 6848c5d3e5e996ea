"""``jinzhi seed``: a synthetic city, its reference data, a population and demo accounts.

``seed_demo`` is the Python entry point shared by the command and the test fixtures.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import schema
from core.areas.codes import Level
from core.areas.models import Area
from core.cli import Context, pass_ctx
from core.errors import InvalidInput
from core.identity.accounts import create_account
from core.identity.gb11643 import make_resident_id
from core.identity.models import Department, Person
from core.identity.registry import register_person
from core.identity.roles import Role
from core.platform import Platform
from simulator.city import SCALES, CitySummary, seed_city
from simulator.population import PopulationSummary, seed_population

DEMO_PASSWORD = "jinzhi-demo"
# (people, organisations) when the command is not told
DEFAULT_POPULATION = {"small": (500, 50), "tianjin": (20_000, 2_000)}


@dataclass
class SeedSummary:
    scale: str
    seed: int
    city: CitySummary
    population: PopulationSummary
    accounts: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def seed_demo(
    platform: Platform,
    scale: str,
    seed: int,
    accounts: bool = True,
    people: int | None = None,
    organisations: int | None = None,
    progress: bool = False,
) -> SeedSummary:
    """Seed an empty database (schema already upgraded) in one transaction."""
    default_people, default_orgs = DEFAULT_POPULATION.get(scale, (0, 0))
    seconds: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        seconds[name] = now - t
        t = now

    with platform.session() as session:
        city = seed_city(session, scale, seed, progress=progress)
        lap("city")
        platform.hook.jinzhi_seed_reference(session=session, platform=platform)
        session.flush()
        lap("reference data")
        population = seed_population(
            session,
            default_people if people is None else people,
            default_orgs if organisations is None else organisations,
            seed,
            progress=progress,
        )
        lap("population")
        names = demo_accounts(session) if accounts else []
        lap("accounts")
    lap("commit")
    return SeedSummary(scale, seed, city, population, names, seconds)


def _first(session: Session, level: Level, under: str = "") -> Area:
    area = session.scalar(
        select(Area)
        .where(Area.level == int(level), Area.code.startswith(under))
        .order_by(Area.code)
        .limit(1)
    )
    if area is None:
        raise InvalidInput(f"the city has no {level.label} under {under or 'it'}: seed it first")
    return area


def demo_accounts(session: Session) -> list[str]:
    """The demo logins (password ``jinzhi-demo``); returns their usernames."""
    city = _first(session, Level.CITY)
    d1 = _first(session, Level.DISTRICT)
    s1 = _first(session, Level.STREET, d1.code)
    c1 = _first(session, Level.COMMUNITY, s1.code)
    g1 = _first(session, Level.GRID, c1.code)
    d2 = session.scalar(
        select(Area).where(Area.level == int(Level.DISTRICT)).order_by(Area.code).offset(1)
    )
    g2 = _first(session, Level.GRID, d2.code) if d2 is not None else g1
    staff: list[tuple[str, Role, Area, str, str | None]] = [
        ("admin", Role.ADMIN, city, "系统管理员", None),
        ("commander.city", Role.COMMANDER, city, f"{city.name}指挥员", None),
        ("commander.d1", Role.COMMANDER, d1, f"{d1.name}指挥员", None),
        ("commander.s1", Role.COMMANDER, s1, f"{s1.name}指挥员", None),
        ("commander.c1", Role.COMMANDER, c1, f"{c1.name}指挥员", None),
        ("worker.g1", Role.GRID_WORKER, g1, f"{c1.name}{g1.name}网格员", None),
        ("worker.g2", Role.GRID_WORKER, g2, f"{g2.name}网格员（{d2.name if d2 else ''}）", None),
        ("clerk.d1", Role.CLERK, d1, f"{d1.name}政务服务窗口", None),
    ]
    departments = session.scalars(
        select(Department).where(Department.area_code == d1.code).order_by(Department.code)
    )
    used: set[str] = set()
    for dept in departments:
        username = f"handler.d1.{dept.dept_type}"
        if username in used:
            username = f"{username}.{sum(u.startswith(username) for u in used) + 1}"
        used.add(username)
        staff.append((username, Role.HANDLER, d1, f"{dept.name}处置员", dept.code))
    for username, role, area, display, dept_code in staff:
        create_account(
            session, username, DEMO_PASSWORD, role, display_name=display,
            scope_code=area.code, department_code=dept_code, fast_hash=True,
        )
    person = _demo_citizen(session, g1, f"{city.name}{d1.name}{s1.name}{c1.name}")
    create_account(
        session, "citizen1", DEMO_PASSWORD, Role.CITIZEN, display_name=person.name,
        person_id=person.id, fast_hash=True,
    )
    return [s[0] for s in staff] + ["citizen1"]


def _demo_citizen(session: Session, grid: Area, place: str) -> Person:
    """A registered resident of ``grid`` for the ``citizen1`` login."""
    taken = set(session.scalars(select(Person.id_number)))
    birth = dt.date(1988, 6, 16)
    number = next(
        n for seq in range(1, 1000, 2)
        if (n := make_resident_id(grid.code[:6], birth, seq)) not in taken
    )
    return register_person(
        session, number, "王建国", phone="13800000001", home_grid=grid.code,
        address=f"{place}8号楼2门301",
    )


@click.command(
    "seed",
    help="Fill an empty database with a synthetic city (areas and their polygons), the "
    "plugins' reference data, a population and demo accounts. Every demo account's "
    f"password is {DEMO_PASSWORD!r}. Same --seed, same city.",
)
@click.option("--scale", type=click.Choice(list(SCALES)), default="small", show_default=True,
              help="small: 108 grids; tianjin: 16 districts, 272 streets, 5,607 communities, "
              "21,408 grids.")
@click.option("--seed", "seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed gives the same city and people.")
@click.option("--no-accounts", is_flag=True, help="Do not create the demo accounts.")
@click.option("--people", type=click.IntRange(0), default=None,
              help="Residents to create [default: 500 small, 20,000 tianjin].")
@click.option("--organisations", "--orgs", "organisations", type=click.IntRange(0),
              default=None, help="Organisations to create [default: 50 small, 2,000 tianjin].")
@click.option("--progress/--no-progress", default=None,
              help="Show progress bars [default: when the terminal is interactive].")
@pass_ctx
def seed_command(
    ctx: Context, scale: str, seed: int, no_accounts: bool, people: int | None,
    organisations: int | None, progress: bool | None,
) -> None:
    platform = ctx.platform
    schema.upgrade(ctx.pm, platform.engine)
    if progress is None:
        progress = sys.stderr.isatty()
    summary = seed_demo(
        platform, scale, seed, accounts=not no_accounts, people=people,
        organisations=organisations, progress=progress,
    )
    c = summary.city
    click.echo(
        f"seeded the {scale} city (seed {seed}) in {sum(summary.seconds.values()):.1f} s: "
        f"{c.districts} districts, {c.streets} streets, {c.communities:,} communities, "
        f"{c.grids:,} grids; {summary.population.people:,} people, "
        f"{summary.population.organisations:,} organisations"
    )
    if summary.accounts:
        click.echo(f"demo accounts (password {DEMO_PASSWORD}): {', '.join(summary.accounts)}")
