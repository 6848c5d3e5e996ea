"""Accounts: creating logins, checking passwords (with lockout), turning accounts into Actors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from core.areas.codes import level_of
from core.areas.models import Area
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.identity.models import Account, Department
from core.identity.passwords import hash_password, verify_password
from core.identity.roles import Actor, Role

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8


def _now(session: Session) -> dt.datetime:
    from core.platform import Platform  # late: platform imports the identity defaults

    return Platform.of(session).now()


def create_account(
    session: Session,
    username: str,
    password: str,
    role: Role | str,
    *,
    display_name: str | None = None,
    scope_code: str | None = None,
    department_code: str | None = None,
    person_id: int | None = None,
    fast_hash: bool = False,
) -> Account:
    """Create a login. Staff need a scope; handlers need a department; citizens a person."""
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(
            f"unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}"
        ) from None
    if not username or len(username) > 80:
        raise InvalidInput("a username of 1 to 80 characters is required")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(Account.id).where(Account.username == username)):
        raise Conflict(f"the username {username!r} is taken")
    if role not in (Role.CITIZEN,) and scope_code is None:
        raise InvalidInput(f"a {role} account needs a scope (an area code)")
    if scope_code is not None:
        level_of(scope_code)
        if session.get(Area, scope_code) is None:
            raise NotFound(f"there is no area {scope_code}")
    if role is Role.HANDLER and department_code is None:
        raise InvalidInput("a department handler needs a department")
    if department_code is not None and session.get(Department, department_code) is None:
        raise NotFound(f"there is no department {department_code}")
    account = Account(
        username=username,
        password_hash=hash_password(password, fast=fast_hash),
        display_name=display_name or username,
        role=role.value,
        scope_code=scope_code,
        department_code=department_code,
        person_id=person_id,
        active=True,
        failed_logins=0,
        created_at=_now(session),
    )
    session.add(account)
    session.flush()
    return account


_A = Account.__table__.c
_ACTOR_COLUMNS = select(_A.id, _A.username, _A.role, _A.scope_code, _A.department_code,
                        _A.person_id, _A.active).where(_A.id == bindparam("id"))


def actor_of(account: Account | Row[Any], extra_roles: frozenset[str] = frozenset()) -> Actor:
    return Actor(
        account_id=account.id,
        username=account.username,
        role=Role(account.role),
        scope_code=account.scope_code,
        department_code=account.department_code,
        person_id=account.person_id,
        extra_roles=extra_roles,
    )


def authenticate(session: Session, username: str, password: str) -> Actor | None:
    """The Actor for a correct login; None if wrong; ``PermissionDenied`` while locked out."""
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        verify_password(_DUMMY_HASH, password)  # same time whether or not the user exists
        return None
    now = _now(session)
    if account.locked_until is not None and account.locked_until > now:
        raise PermissionDenied("too many failed logins; try again in a few minutes")
    if not verify_password(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILED_LOGINS:
            account.locked_until = now + LOCKOUT
            account.failed_logins = 0
        return None
    account.failed_logins = 0
    account.locked_until = None
    return actor_of(account)


def load_actor(session: Session, account_id: int) -> Actor | None:
    """The Actor of an active account, with roles contributed by plugins (session reload)."""
    from core.platform import Platform

    account = session.connection().execute(_ACTOR_COLUMNS, {"id": account_id}).first()
    if account is None or not account.active:
        return None
    actor = actor_of(account)
    extra = Platform.of(session).hook.identity_roles(session=session, actor=actor)
    roles = frozenset(r for group in extra for r in (group or ()))
    return actor_of(account, roles) if roles else actor


_DUMMY_HASH = hash_password("not-a-real-password", fast=True)
