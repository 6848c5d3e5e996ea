"""Identity through the hooks: core's defaults answer, and a district plugin can add to them."""

import pytest
from sqlalchemy import select

from core.errors import InvalidInput, PermissionDenied
from core.identity import registry
from core.identity.accounts import MAX_FAILED_LOGINS, create_account, load_actor
from core.identity.gb11643 import make_resident_id
from core.identity.models import Account
from core.identity.roles import Role


def test_hook_identity_authenticate_default_checks_the_password(platform, session):
    hook = platform.hook.identity_authenticate
    actor = hook(session=session, username="commander.d1", password="jinzhi-demo")
    assert actor is not None and actor.role is Role.COMMANDER and actor.scope_code
    assert hook(session=session, username="commander.d1", password="wrong-password") is None
    assert hook(session=session, username="nobody", password="jinzhi-demo") is None


def test_hook_identity_authenticate_a_plugin_can_answer_first(platform, session, tiny_plugin):
    platform.pm.register(tiny_plugin)
    actor = platform.hook.identity_authenticate(
        session=session, username="sso:alice", password="from-the-city-sso"
    )
    assert actor.username == "sso:alice" and actor.scope_code == "120101"


def test_repeated_failed_logins_lock_the_account(platform, session):
    hook = platform.hook.identity_authenticate
    for _ in range(MAX_FAILED_LOGINS):
        assert hook(session=session, username="worker.g1", password="bad-password") is None
    with pytest.raises(PermissionDenied, match="too many failed logins"):
        hook(session=session, username="worker.g1", password="jinzhi-demo")
    platform.clock.advance(minutes=16)
    assert hook(session=session, username="worker.g1", password="jinzhi-demo") is not None


def test_passwords_are_stored_hashed(session):
    account = session.scalar(select(Account).where(Account.username == "admin"))
    assert "jinzhi-demo" not in account.password_hash
    assert account.password_hash.startswith("$argon2id$")


def test_hook_identity_resolve_finds_people_and_refuses_bad_numbers(platform, session):
    number = make_resident_id("120101", __import__("datetime").date(1990, 5, 17), 123)
    person = registry.register_person(session, number, "张三")
    party = platform.hook.identity_resolve(session=session, kind="person", number=number)
    assert party.id == person.id and party.name == "张三"
    unknown = make_resident_id("120101", __import__("datetime").date(1990, 5, 17), 125)
    assert platform.hook.identity_resolve(session=session, kind="person", number=unknown) is None
    with pytest.raises(InvalidInput, match="check character"):
        platform.hook.identity_resolve(session=session, kind="person", number=number[:-1] + (
            "0" if number[-1] != "0" else "1"))


def test_hook_identity_roles_are_merged_into_the_actor(platform, session, tiny_plugin):
    platform.pm.register(tiny_plugin)
    account_id = session.scalar(select(Account.id).where(Account.username == "commander.d1"))
    actor = load_actor(session, account_id)
    assert actor.has_role("inspector") and actor.role is Role.COMMANDER


def test_staff_accounts_need_a_known_scope(session):
    with pytest.raises(InvalidInput, match="needs a scope"):
        create_account(session, "new.commander", "long-enough-pw", "commander")
    with pytest.raises(InvalidInput, match="unknown role"):
        create_account(session, "new.x", "long-enough-pw", "mayor", scope_code="120000")


def test_identity_numbers_are_masked_for_display():
    assert registry.mask("11010519491231002X") == "110***********002X"
