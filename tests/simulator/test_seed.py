"""``jinzhi seed`` and ``seed_demo``: demo accounts, one transaction, a clear error when re-run."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.areas.models import Area
from core.cli import build_cli, main
from core.hookspecs import hookimpl
from core.identity.gb11643 import parse_resident_id
from core.identity.models import Account, Department, Person
from core.plugins import make_plugin_manager
from simulator.seed import DEMO_PASSWORD, seed_demo

STAFF = {
    "admin": ("admin", "120000"),
    "commander.city": ("commander", "120000"),
    "commander.d1": ("commander", "120101"),
    "commander.s1": ("commander", "120101001"),
    "commander.c1": ("commander", "120101001001"),
    "worker.g1": ("grid_worker", "120101001001001"),
    "worker.g2": ("grid_worker", "120102001001001"),
    "clerk.d1": ("clerk", "120101"),
}


def test_demo_accounts(session) -> None:
    accounts = {a.username: a for a in session.scalars(select(Account))}
    for username, (role, scope) in STAFF.items():
        assert (accounts[username].role, accounts[username].scope_code) == (role, scope)
    departments = session.scalars(select(Department).where(Department.area_code == "120101"))
    for dept in departments:
        handler = accounts[f"handler.d1.{dept.dept_type}"]
        assert (handler.role, handler.department_code) == ("handler", dept.code)
    citizen = accounts["citizen1"]
    person = session.get(Person, citizen.person_id)
    assert citizen.role == "citizen" and person.home_grid == "120101001001001"
    assert parse_resident_id(person.id_number).area_code == "120101"


def test_demo_password_logs_in(platform, session) -> None:
    actor = platform.hook.identity_authenticate(
        session=session, username="worker.g2", password=DEMO_PASSWORD
    )
    assert actor is not None and actor.scope_code == "120102001001001"


def test_seed_demo_without_accounts_or_people(empty_platform) -> None:
    summary = seed_demo(empty_platform, "small", 3, accounts=False, people=0, organisations=0)
    assert summary.accounts == [] and summary.city.grids == 108
    with empty_platform.session() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 0
        assert session.scalar(select(func.count()).select_from(Area)) == 148


def test_seed_demo_is_one_transaction(empty_platform, monkeypatch) -> None:
    def broken(session):
        raise RuntimeError("boom")

    monkeypatch.setattr("simulator.seed.demo_accounts", broken)
    with pytest.raises(RuntimeError):
        seed_demo(empty_platform, "small", 1)
    with empty_platform.session() as session:
        assert session.scalar(select(func.count()).select_from(Area)) == 0


def test_hook_jinzhi_cli_commands_adds_seed() -> None:
    group = build_cli(make_plugin_manager())
    assert "seed" in group.commands
    assert DEMO_PASSWORD in group.commands["seed"].help


def test_hook_jinzhi_seed_reference_runs_inside_the_seed(empty_platform) -> None:
    calls = []

    class Recorder:
        @hookimpl
        def jinzhi_seed_reference(self, session, platform):
            calls.append(session.scalar(select(func.count()).select_from(Area)))

    empty_platform.pm.register(Recorder())
    seed_demo(empty_platform, "small", 1, accounts=False, people=0, organisations=0)
    assert calls == [148]  # areas exist when reference data loads


def test_seed_command_twice(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("JINZHI_INSTANCE", str(tmp_path))
    monkeypatch.delenv("JINZHI_DATABASE_URL", raising=False)
    main(["seed", "--scale", "small", "--seed", "2", "--people", "20", "--orgs", "5"])
    out = capsys.readouterr().out
    assert "108 grids" in out and "20 people" in out and DEMO_PASSWORD in out
    with pytest.raises(SystemExit) as e:
        main(["seed"])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: the database already has 148 areas") and "\n" not in err
