"""Every inbox tab of every role has a label in Chinese and in English (never a raw code)."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from core.identity.accounts import load_actor
from core.identity.models import Account
from core.identity.roles import Role
from plugins.grid import api as grid
from plugins.services import api as services
from web.console import desk
from web.ui import APP_BOX_LABELS, BOX_LABELS


def _accounts(session):
    """One demo account per (role, level of scope) — every kind of inbox there is."""
    seen, out = set(), []
    for account_id, role, scope in session.execute(
            select(Account.id, Account.role, Account.scope_code).order_by(Account.username)):
        key = (role, len(scope or ""))
        if key not in seen:
            seen.add(key)
            out.append(load_actor(session, account_id))
    return out


def _check(app, labels, codes, where):
    missing = [c for c in codes if c not in labels]
    assert not missing, f"{where}: no label for {missing} in web/ui.py"
    for code in codes:
        with app.test_request_context(), force_locale("en"):
            en = str(labels[code])
        with app.test_request_context(), force_locale("zh"):
            zh = str(labels[code])
        assert en and en != code, f"{where}: {code} has no English label"
        assert zh != en and any("\u4e00" <= ch <= "\u9fff" for ch in zh), \
            f"{where}: {code} ({en!r}) has no Chinese translation"


def test_every_grid_inbox_box_of_every_role_has_labels(app, platform):
    with platform.session() as s:
        actors = _accounts(s)
        roles = {a.role for a in actors}
        assert {Role.COMMANDER, Role.HANDLER, Role.GRID_WORKER, Role.CITIZEN} <= roles
        for who in actors:
            if who.role in (Role.CLERK, Role.ADMIN):
                continue  # no grid inbox (console.inbox is not theirs)
            codes = list(grid.inbox(s, who, per_page=1))
            _check(app, BOX_LABELS, codes, f"grid inbox of {who.role} at {who.scope_code}")


@pytest.mark.parametrize("username", ["clerk.d1", "handler.d1.veterans", "admin"])
def test_every_desk_box_has_labels(app, platform, username):
    with platform.session() as s:
        who = load_actor(s, s.scalar(select(Account.id).where(Account.username == username)))
        codes = [*desk.boxes(who), "all"]
        assert set(desk.boxes(who)) <= set(services.inbox(s, who, per_page=1))
    _check(app, APP_BOX_LABELS, codes, f"desk of {username}")


@pytest.mark.parametrize("username", ["commander.city", "commander.d1", "commander.s1",
                                      "commander.c1", "worker.g1", "handler.d1.water_affairs"])
def test_inbox_tabs_show_no_raw_codes(client, login, username):
    login(client, username)
    html = client.get("/console/inbox").get_data(as_text=True)
    names = re.findall(r'>([^<>]+) <span class="count">', html)
    assert names, "no inbox tabs"
    assert not [n for n in names if re.fullmatch(r"[a-z_]+", n.strip())], names
