"""The page header names the logged-in person as the timelines do (display name and role),
not by their login; admins keep the login in the name's title."""

from __future__ import annotations

from sqlalchemy import select

from core.identity.models import Account


def _header(client, path: str) -> str:
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    return html.split('<div class="user">', 1)[1].split("</div>", 1)[0]


def _display(platform, username: str) -> str:
    with platform.session() as s:
        return s.scalar(select(Account.display_name).where(Account.username == username))


def test_header_shows_the_display_name_and_role_not_the_login(client, login, platform):
    login(client, "commander.d1")
    header = _header(client, "/console/inbox")
    assert _display(platform, "commander.d1") in header and "指挥员" in header
    assert "commander.d1" not in header
    client.get("/lang/en")
    assert "Commander" in _header(client, "/console/inbox")


def test_a_citizen_sees_their_name(client, login, platform):
    login(client, "citizen1")
    header = _header(client, "/my/profile")
    assert _display(platform, "citizen1") in header and "citizen1" not in header


def test_admins_keep_the_login_in_the_title(client, login, platform):
    login(client, "admin")
    header = _header(client, "/admin/")
    assert 'title="admin"' in header and _display(platform, "admin") in header
