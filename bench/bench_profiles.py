"""Benchmark: a person's and a community's profile (linkage) at Tianjin scale on SQLite.

``build`` makes the database once (deterministic in ``--seed``): the tianjin-scale city
(16 districts, 272 streets, 5,607 communities, 21,408 grids) and every plugin's reference
data through the normal seed, then bulk inserts straight into the tables — 6.4 million
persons, organisations, the Tianjin-size synthetic catalog (~108,000 items, as
``bench_catalog_search.py`` makes it), applications and certificates for them, and, when the
grid plugin's tables exist, 2.64 million grid events (a fifth of them citizens' reports
linked through linkage). ``run`` times ``plugins.linkage.api.profile`` — the call the web
profile page makes: every plugin's sections, masking, the data-use rows and the commit —
for many random persons (as themself, and as a clerk naming a case) and communities (as a
commander). Goal: p95 under 100 ms each.

    .venv/bin/python bench/bench_profiles.py build --db /tmp/jinzhi-bench/profiles.sqlite
    .venv/bin/python bench/bench_profiles.py run --db /tmp/jinzhi-bench/profiles.sqlite
    .venv/bin/python bench/bench_profiles.py events --rebuild --db …  (the grid's schema moved)
    (--scale 0.1 builds a tenth of the people, organisations, applications and events)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL_MS = 100.0
PERSONS, ORGANISATIONS = 6_400_000, 1_000_000
APPLICATIONS, CERTIFICATE_SHARE = 3_200_000, 0.2
EVENTS, CITIZEN_SHARE = 2_640_000, 0.2
CHUNK = 100_000
EPOCH = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)  # data spans two years up to the test "now"
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海燕文博宇浩然子轩梓涵"
ID_WEIGHTS = np.array([2 ** (17 - i) % 11 for i in range(17)])
ID_CHECK = np.array(list("10X98765432"))


def platform_for(db: Path):
    from core.config import Config
    from core.platform import Platform

    config = Config.load(instance_path=db.parent, database_url=f"sqlite:///{db}")
    return Platform(config)


def ts(t: dt.datetime) -> str:
    """How ``UTCDateTime`` stores an instant on SQLite (naive UTC text)."""
    return t.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def lap(label: str, start: float) -> float:
    now = time.perf_counter()
    print(f"  {label:<34} {now - start:8.1f} s", flush=True)
    return now


# ── build ───────────────────────────────────────────────────────────────────────────────


def build(db: Path, seed: int, scale: float) -> None:
    from core import schema
    from simulator.city import seed_city

    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    t0 = t = time.perf_counter()
    platform = platform_for(db)
    schema.upgrade(platform.pm, platform.engine)
    with platform.session() as s:
        seed_city(s, "tianjin", seed)
        t = lap("city (tianjin scale)", t)
        platform.hook.jinzhi_seed_reference(session=s, platform=platform)
        t = lap("reference data", t)
    platform.engine.dispose()
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-2000000",
                   "foreign_keys=OFF", "temp_store=MEMORY"):
        conn.execute(f"PRAGMA {pragma}")
    grids = [r[0] for r in conn.execute("SELECT code FROM core_area WHERE level = 4 ORDER BY code")]
    points = {c: (x, y) for c, x, y in conn.execute(
        "SELECT code, label_lon, label_lat FROM core_area WHERE level = 4")}
    rng = np.random.default_rng(seed)
    n_people, n_orgs = int(PERSONS * scale), int(ORGANISATIONS * scale)
    homes = rng.integers(0, len(grids), size=n_people)
    conn.execute("BEGIN")
    insert_persons(conn, grids, homes, rng)
    t = lap(f"{n_people:,} persons", t)
    insert_organisations(conn, grids, points, n_orgs, n_people, rng)
    t = lap(f"{n_orgs:,} organisations", t)
    items = insert_catalog(conn, seed)
    t = lap(f"{len(items):,} catalog items", t)
    insert_applications(conn, grids, homes, items, int(APPLICATIONS * scale), n_orgs, rng)
    t = lap(f"{int(APPLICATIONS * scale):,} applications + certificates", t)
    conn.execute("COMMIT")
    conn.close()
    build_events(db, seed, scale)
    print(f"built {db} in {time.perf_counter() - t0:.0f} s, "
          f"{db.stat().st_size / 1e9:.2f} GB")


def drop_grid(db: Path) -> None:
    """Forget the grid plugin's tables (and the links to its events), so ``events`` builds
    them again at the grid's current schema."""
    conn = sqlite3.connect(db, isolation_level=None)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'grid\\_%' "
        "ESCAPE '\\'")]
    conn.execute("PRAGMA foreign_keys=OFF")
    for table in tables:
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM alembic_version WHERE version_num LIKE 'grid%'")
    conn.execute("DELETE FROM link_record_link WHERE created_by = 'bench'")
    conn.close()
    print(f"  dropped {len(tables)} grid tables")


def build_events(db: Path, seed: int, scale: float) -> None:
    """Grid events into a built database once the grid plugin is there: its reference data,
    its own synthetic history (``plugins.grid.api.bench_events``), then a fifth of the
    events turned into residents' reports made through linkage (``reported`` links)."""
    from core import schema
    from core.clock import FrozenClock

    t = time.perf_counter()
    platform = platform_for(db)
    platform.clock = FrozenClock(NOW)
    schema.upgrade(platform.pm, platform.engine)
    if not platform.pm.has_plugin("grid") or platform.pm.get_plugin("grid") is None:
        print("  (the grid plugin is off: no events)")
        return
    from plugins.grid import api as grid
    from plugins.grid import reference

    n = int(EVENTS * scale)
    with platform.session() as s:
        if s.execute(text("SELECT 1 FROM grid_event LIMIT 1")).first() is None:
            reference.seed(s, platform.pm)
            grid.bench_events(s, n, seed=seed)
            t = lap(f"{n:,} grid events (the grid plugin's history)", t)
    platform.engine.dispose()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    if not conn.execute("SELECT 1 FROM link_record_link LIMIT 1").fetchone():
        people = conn.execute("SELECT max(id) FROM core_person").fetchone()[0]
        rng = np.random.default_rng([seed, 3])
        ids = [r[0] for r in conn.execute("SELECT id, reported_at FROM grid_event")]
        chosen = sorted(rng.choice(len(ids), int(len(ids) * CITIZEN_SHARE), replace=False))
        who = rng.integers(1, people + 1, len(chosen))
        conn.execute("BEGIN")
        conn.executemany(
            "UPDATE grid_event SET reporter_person_id = ?, reporter_kind = 'citizen', "
            "channel = 'linkage' WHERE id = ?",
            ((int(w), ids[i]) for w, i in zip(who, chosen, strict=True)))
        conn.execute(
            "INSERT INTO link_record_link (relation, a_type, a_id, b_type, b_id, created_at, "
            "created_by) SELECT 'reported', 'core.person', CAST(reporter_person_id AS TEXT), "
            "'grid.event', CAST(id AS TEXT), reported_at, 'bench' FROM grid_event "
            "WHERE reporter_person_id IS NOT NULL ORDER BY id")
        conn.execute("COMMIT")
        t = lap(f"{len(chosen):,} of them residents' reports, linked", t)
    conn.execute("ANALYZE")
    lap("ANALYZE", t)
    conn.close()


def chunks(n: int) -> Iterator[tuple[int, int]]:
    for lo in range(0, n, CHUNK):
        yield lo, min(n, lo + CHUNK)


def resident_ids(districts: np.ndarray, first: int, n: int) -> tuple[list[str], np.ndarray]:
    """Unique valid GB 11643 numbers: person ``i`` gets a birth day and sequence that no
    other person has (a bijection of ``i``), so uniqueness needs no lookup."""
    i = np.arange(first, first + n)
    offset = (i * 7919) % 30_000  # 7919 is prime: a permutation within each block
    seq = (i // 30_000) * 2 + (i % 2)  # odd = male
    births = np.datetime64("1940-01-01") + offset.astype("timedelta64[D]")
    ymd = np.char.replace(np.datetime_as_string(births, unit="D"), "-", "")
    first17 = np.char.add(np.char.add(districts.astype("U6"), ymd),
                          np.char.zfill(seq.astype("U3"), 3))
    digits = np.frombuffer("".join(first17.tolist()).encode(), dtype=np.uint8).reshape(n, 17)
    check = ID_CHECK[((digits - 48) * ID_WEIGHTS).sum(axis=1) % 11]
    return np.char.add(first17, check).tolist(), births


def insert_persons(conn: sqlite3.Connection, grids: Sequence[str], homes: np.ndarray,
                   rng: np.random.Generator) -> None:
    grid_arr = np.array(grids)
    sql = ("INSERT INTO core_person (id, id_number, name, sex, birth_date, phone, address, "
           "home_grid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    for lo, hi in chunks(len(homes)):
        n = hi - lo
        home = grid_arr[homes[lo:hi]]
        numbers, births = resident_ids(np.array([g[:6] for g in home]), lo, n)
        sur = rng.integers(0, len(SURNAMES), n)
        g1, g2 = rng.integers(0, len(GIVEN), n), rng.integers(-len(GIVEN), len(GIVEN), n)
        phones = rng.integers(10**8, 10**9, n)
        building = rng.integers(1, 40, n)
        born = np.datetime_as_string(births, unit="D")
        conn.executemany(sql, (
            (lo + k + 1, numbers[k], SURNAMES[sur[k]] + GIVEN[g1[k]]
             + (GIVEN[g2[k]] if g2[k] >= 0 else ""), "M" if (lo + k) % 2 else "F",
             born[k], f"13{phones[k]}", f"{home[k]}网格{building[k]}号楼", home[k])
            for k in range(n)))


def insert_organisations(conn: sqlite3.Connection, grids: Sequence[str],
                         points: dict[str, tuple[float, float]], n: int, n_people: int,
                         rng: np.random.Generator) -> None:
    from core.identity.gb32100 import credit_code_check_char

    kinds = ("enterprise", "individual_business", "institution", "social_organisation")
    sql = ("INSERT INTO core_organisation (id, credit_code, name, kind, legal_rep_id, address, "
           "premises_grid, lon, lat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    for lo, hi in chunks(n):
        m = hi - lo
        sites = rng.integers(0, len(grids), m)
        kind = rng.choice(4, m, p=(0.7, 0.18, 0.06, 0.06))
        reps = rng.integers(1, max(2, n_people + 1), m)
        jitter = rng.uniform(-0.002, 0.002, (m, 2))
        rows = []
        for k in range(m):
            grid = grids[sites[k]]
            first17 = f"9{1 + (kind[k] == 1)}{grid[:6]}{lo + k:09d}"
            x, y = points[grid]
            rows.append((lo + k + 1, first17 + credit_code_check_char(first17),
                         f"天津{SURNAMES[k % len(SURNAMES)]}记{kinds[kind[k]]}{lo + k}号",
                         kinds[kind[k]], None if kind[k] == 2 else int(reps[k]),
                         f"{grid}网格{k % 300}号", grid, x + jitter[k, 0], y + jitter[k, 1]))
        conn.executemany(sql, rows)


def insert_catalog(conn: sqlite3.Connection, seed: int) -> list[tuple[str, str, str]]:
    """The Tianjin-size synthetic catalog (the search benchmark's); (code, level, area)."""
    from bench_catalog_search import synthetic_items

    from plugins.services.catalog import normalize_item
    from plugins.services.search import index_text

    out = []
    sql = ("INSERT INTO svc_item (code, name_zh, name_en, type, level, department, area_code, "
           "online, visits, data, search_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    rows = []
    for raw in synthetic_items(seed, 1.0):
        item = normalize_item(raw)
        rows.append((item["code"], item["name"]["zh"], item["name"]["en"], item["type"],
                     item["level"], item["department"], item["area_code"], item["online"],
                     item["visits"], json.dumps(item, ensure_ascii=False), index_text(item)))
        out.append((item["code"], item["level"], item["area_code"] or ""))
    conn.executemany(sql, rows)
    return out


STATUSES = (("rated", 0.45), ("delivered", 0.25), ("approved", 0.05), ("accepted", 0.06),
            ("submitted", 0.05), ("draft", 0.06), ("refused", 0.03), ("withdrawn", 0.05))
CERT_TYPES = ("licence.business", "licence.food_business", "certificate.residence_permit",
              "certificate.senior_card", "licence.fire_safety", "certificate.residence")


def insert_applications(conn: sqlite3.Connection, grids: Sequence[str], homes: np.ndarray,
                        items: list[tuple[str, str, str]], n: int, n_orgs: int,
                        rng: np.random.Generator) -> None:
    """Applications by random residents for items of the city or of their district; a share
    for an organisation; certificates for a share of the finished ones."""
    from plugins.services.models import Application

    by_district: dict[str, list[str]] = {}
    city = [c for c, level, _ in items if level == "city"]
    for code, level, area in items:
        if level != "city":
            by_district.setdefault(area[:6], []).append(code)
    cols = [c.name for c in Application.__table__.columns]
    sql = (f"INSERT INTO svc_application ({', '.join(cols)}) "
           f"VALUES ({', '.join('?' * len(cols))})")
    cert_sql = ("INSERT INTO svc_certificate (id, number, type, title, holder_kind, holder_id, "
                "issued_by, issued_at, valid_until, application_id, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    names, shares = zip(*STATUSES, strict=True)
    span = (NOW - EPOCH).total_seconds()
    cert_id = 0
    for lo, hi in chunks(n):
        m = hi - lo
        who = rng.integers(0, len(homes), m)
        status = rng.choice(len(names), m, p=shares)
        when = rng.uniform(0, span, m)
        pick = rng.random(m)
        choice = rng.integers(0, 1 << 30, m)
        orgs = rng.integers(1, max(2, n_orgs + 1), m)
        for_org = rng.random(m) < 0.1
        ratings = rng.integers(1, 6, m)
        certs = rng.random(m) < CERTIFICATE_SHARE
        rows, cert_rows = [], []
        for k in range(m):
            app_id = lo + k + 1
            grid = grids[homes[who[k]]]
            district = grid[:6]
            pool = city if pick[k] < 0.4 or district not in by_district else by_district[district]
            item = pool[choice[k] % len(pool)]
            created = EPOCH + dt.timedelta(seconds=float(when[k]))
            st = names[status[k]]
            done = st in ("rated", "delivered", "approved")
            row = {c: None for c in cols}
            row.update(
                id=app_id, ref=f"A{created:%Y%m%d}-{app_id:07d}", item_code=item,
                level="city" if pool is city else "district", applicant_id=int(who[k]) + 1,
                organisation_id=int(orgs[k]) if for_org[k] else None, status=st, version=3,
                lang="zh", form_data='{"phone": "13800000000"}', errors="{}",
                area_code=district, department_code=f"{district}.approval",
                created_at=ts(created), updated_at=ts(created + dt.timedelta(days=3)),
                submitted_at=ts(created) if st != "draft" else None,
                accepted_at=ts(created + dt.timedelta(hours=5))
                if st not in ("draft", "submitted", "withdrawn", "refused") else None,
                decided_at=ts(created + dt.timedelta(days=3)) if done else None,
                due_at=ts(created + dt.timedelta(days=7)) if st != "draft" else None,
                overdue=0, paused_days=0, supplement_answered=0,
                rating=int(ratings[k]) if st == "rated" else None,
                rated_at=ts(created + dt.timedelta(days=5)) if st == "rated" else None,
            )
            if done and certs[k]:
                cert_id += 1
                kind, holder = ("organisation", row["organisation_id"]) if for_org[k] else (
                    "person", row["applicant_id"])
                cert_rows.append((cert_id, f"{district}{created:%Y%m%d}{app_id:07d}",
                                  CERT_TYPES[app_id % len(CERT_TYPES)], "电子证照", kind, holder,
                                  row["department_code"], ts(created + dt.timedelta(days=3)),
                                  f"{created.year + 5}-{created:%m-%d}", app_id, "{}"))
                row["certificate_id"] = cert_id
            rows.append(tuple(row[c] for c in cols))
        conn.executemany(cert_sql, cert_rows)
        conn.executemany(sql, rows)


# ── run ─────────────────────────────────────────────────────────────────────────────────


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def run(db: Path, samples: int, seed: int) -> dict[str, list[float]]:
    from sqlalchemy import func, select

    from core.areas.models import Area
    from core.clock import FrozenClock
    from core.contracts import RecordRef, Subject
    from core.identity.models import Person
    from core.identity.roles import Actor, Role
    from plugins.linkage import api
    from plugins.services.models import Application

    platform = platform_for(db)
    platform.clock = FrozenClock(NOW)
    rnd = random.Random(seed)
    with platform.session() as s:
        people = s.scalar(select(func.max(Person.id)))
        communities = s.scalars(select(Area.code).where(Area.level == 3)).all()
        any_app = s.scalar(select(func.min(Application.id)))
    clerk = Actor(None, "bench.clerk", Role.CLERK, scope_code="120000")
    commander = Actor(None, "bench.commander", Role.COMMANDER, scope_code="120000")
    people_ids = [rnd.randint(1, people) for _ in range(samples)]
    places = [rnd.choice(communities) for _ in range(samples)]

    def view(viewer: Actor, subject: Subject, case: RecordRef | None = None) -> None:
        with platform.session() as s:
            api.profile(s, viewer, subject, case=case)

    # warm the page cache and the statements on other subjects first
    for pid in rnd.sample(range(1, people + 1), 20):
        view(Actor(None, "bench.citizen", Role.CITIZEN, person_id=pid), Subject("person", str(pid)))
    for code in rnd.sample(communities, 20):
        view(commander, Subject("place", code))
    results: dict[str, list[float]] = {"person (self)": [], "person (clerk, with a case)": [],
                                       "community (commander)": [], "community (clerk)": []}
    for pid, code in zip(people_ids, places, strict=True):
        me = Actor(None, "bench.citizen", Role.CITIZEN, person_id=pid)
        subject = Subject("person", str(pid))
        results["person (self)"] += timed(lambda me=me, subject=subject: view(me, subject), 1)
        with platform.session() as s:
            app = s.scalar(select(Application.id).where(Application.applicant_id == pid)
                           .limit(1)) or any_app
        case = RecordRef("services.application", str(app))
        results["person (clerk, with a case)"] += timed(
            lambda subject=subject, case=case: view(clerk, subject, case), 1)
        results["community (commander)"] += timed(
            lambda code=code: view(commander, Subject("place", code)), 1)
        results["community (clerk)"] += timed(
            lambda code=code: view(clerk, Subject("place", code)), 1)
    with platform.session() as s:
        sample = api.profile(s, clerk, Subject("place", places[0]))
        print(f"a community profile: {', '.join(sample.keys)}; "
              f"{sample.section('linkage.place').summary['residents']:,} residents")
        mine = api.profile(s, Actor(None, "c", Role.CITIZEN, person_id=people_ids[0]),
                           Subject("person", str(people_ids[0])))
        print(f"a person profile: {', '.join(mine.keys)}")
    platform.engine.dispose()
    return results


def report(results: dict[str, list[float]]) -> None:
    for label, times in results.items():
        times = sorted(times)
        p50 = statistics.median(times)
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        verdict = "met" if p95 < GOAL_MS else "MISSED"
        print(f"  {label:<30} n={len(times):4}  p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  "
              f"max {times[-1]:7.2f} ms   goal p95 < {GOAL_MS:.0f} ms: {verdict}")


def counts(db: Path) -> None:
    conn = sqlite3.connect(db)
    for table in ("core_person", "core_organisation", "svc_item", "svc_application",
                  "svc_certificate", "grid_event", "link_record_link", "link_data_use"):
        try:
            n = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        except sqlite3.OperationalError:
            n = "-"
        print(f"  {table:<20} {n:>12,}" if isinstance(n, int) else f"  {table:<20} {n:>12}")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("build", "events", "run", "all"), nargs="?",
                        default="all", help="events: add grid events to a built database")
    parser.add_argument("--db", type=Path, default=Path("/tmp/jinzhi-bench/profiles.sqlite"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="share of the Tianjin people, organisations, applications, events")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true",
                        help="events: drop the grid tables first (its schema moved on)")
    args = parser.parse_args()
    if args.command in ("build", "all"):
        build(args.db, args.seed, args.scale)
    if args.command == "events":
        if args.rebuild:
            drop_grid(args.db)
        build_events(args.db, args.seed, args.scale)
    if args.command in ("run", "all"):
        counts(args.db)
        results = run(args.db, args.samples, args.seed)
        print(f"profiles, {args.samples} random subjects each (SQLite, {args.db}):")
        report(results)


if __name__ == "__main__":
    main()
