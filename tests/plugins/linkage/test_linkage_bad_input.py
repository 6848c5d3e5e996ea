"""The issue's "done when": an unknown identity number, a pull without a case and a certificate
the applicant does not own each get a clear error — from the Python API and from the CLI
(non-zero exit, the reason on the terminal) — and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from linkage_testdata import (
    FIRE_ANSWERS,
    FIRE_CHECK,
    KINDERGARTEN,
    KINDERGARTEN_ANSWERS,
    approve,
    draft,
    load,
)
from sqlalchemy import func, select

from core.cli import Context, build_cli
from core.contracts import RecordRef, Subject
from core.errors import InvalidInput, NotFound
from core.identity.accounts import create_account
from core.identity.gb11643 import make_resident_id
from core.identity.registry import mask, register_person
from plugins.linkage import api
from plugins.linkage.models import DataUse, RecordLink

UNKNOWN = make_resident_id("120101", dt.date(1970, 5, 5), 999)


def _rows(session) -> tuple[int, int]:
    return (session.scalar(select(func.count()).select_from(DataUse)),
            session.scalar(select(func.count()).select_from(RecordLink)))


@pytest.fixture
def cli(platform):
    group = build_cli(platform.pm)
    obj = Context(platform.config, platform.pm)
    obj.__dict__["platform"] = platform
    runner = CliRunner()
    return lambda *args: runner.invoke(group, ["linkage", *args], obj=obj)


def test_api_pull_without_a_case_changes_nothing(session, citizen, me, clerk):
    app = approve(session, citizen, clerk, FIRE_CHECK, FIRE_ANSWERS)
    before = _rows(session)
    with pytest.raises(InvalidInput) as e:
        api.offer_evidence(session, clerk, Subject("person", str(me.id)),
                           "licence.fire_safety", None)
    assert "case" in e.value.fields
    with pytest.raises(InvalidInput, match="not a case"):
        api.profile(session, clerk, Subject("person", str(me.id)),
                    case=RecordRef("linkage.self", str(me.id)))
    with pytest.raises(InvalidInput, match="TYPE:ID"):
        api.parse_ref("services.application")
    assert _rows(session) == before
    api.offer_evidence(session, clerk, Subject("person", str(me.id)), "licence.fire_safety",
                       RecordRef("services.application", str(app.id)))
    assert _rows(session)[0] == before[0] + 1  # with its case, the pull is logged


def test_cli_unknown_identity_number(cli, platform):
    with platform.session() as s:
        before = _rows(s)
    for args in (["profile", "person", UNKNOWN, "--as", "citizen1"],
                 ["evidence", "offer", "licence.fire_safety", "--as", "citizen1",
                  "--holder", f"person:{UNKNOWN}", "--case", "services.application:1"]):
        r = cli(*args)
        assert r.exit_code != 0 and isinstance(r.exception, NotFound), r.output
        assert mask(UNKNOWN) in str(r.exception) and UNKNOWN not in str(r.exception)
    r = cli("profile", "person", "120101197005051234", "--as", "citizen1")  # bad check digit
    assert r.exit_code != 0 and isinstance(r.exception, InvalidInput)
    with platform.session() as s:
        assert _rows(s) == before


def test_cli_pull_without_a_case(cli, platform, me):
    with platform.session() as s:
        before = _rows(s)
    r = cli("profile", "person", str(me.id), "--as", "clerk.d1")
    assert r.exit_code != 0 and isinstance(r.exception, InvalidInput)
    assert "case: the case this is for, as TYPE:ID" in r.output
    r = cli("profile", "org", "1", "--as", "clerk.d1", "--case", "services.application")
    assert r.exit_code != 0 and "is not TYPE:ID" in str(r.exception)
    r = cli("evidence", "offer", "licence.fire_safety", "--as", "clerk.d1", "--holder",
            f"person:{me.id}")
    assert r.exit_code != 0 and "--case" in r.output  # click: a required option
    with platform.session() as s:
        assert _rows(s) == before


def test_cli_certificate_the_applicant_does_not_own(cli, platform, me):
    with platform.session() as s:
        other = register_person(s, make_resident_id("120101", dt.date(1985, 3, 4), 55),
                                "赵敏", home_grid=me.home_grid)
        create_account(s, "citizen.zhao", "jinzhi-demo", "citizen", person_id=other.id,
                       fast_hash=True)
        theirs = approve(s, load(s, "citizen.zhao"), load(s, "clerk.d1"), FIRE_CHECK,
                         FIRE_ANSWERS)
        kg = draft(s, load(s, "citizen1"), KINDERGARTEN, KINDERGARTEN_ANSWERS,
                   skip=("fire_safety",))
        s.commit()
        before = _rows(s)
    common = ["--type", "licence.fire_safety", "--case", f"services.application:{kg.id}",
              "--material", "fire_safety", "--version", str(kg.version)]
    r = cli("evidence", "use", str(theirs.certificate_id), "--as", "citizen1",
            "--holder", f"person:{me.id}", *common)
    assert r.exit_code != 0 and isinstance(r.exception, InvalidInput)
    assert "not a valid licence.fire_safety that you hold" in str(r.exception)
    assert "materials.fire_safety: choose one of the certificates shown" in r.output
    # naming the other person as the holder is refused too
    r = cli("evidence", "use", str(theirs.certificate_id), "--as", "citizen1",
            "--holder", f"person:{other.id}", *common)
    assert r.exit_code != 0 and "only your own evidence" in str(r.exception)
    from plugins.services import api as services

    with platform.session() as s:
        assert _rows(s) == before
        after = services.get_application(s, load(s, "citizen1"), kg.id)
        assert (after.version, after.missing_materials) == (kg.version, ("fire_safety",))
