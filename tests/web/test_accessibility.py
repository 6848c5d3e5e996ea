"""Accessible forms: every visible control has a label; errors are tied to their fields; the
page has a language, a skip link and one main landmark."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

PAGES = {
    None: ["/", "/login", "/services", "/services/civil.residence-certificate"],
    "citizen1": ["/my/applications", "/my/profile"],
    "clerk.d1": ["/console/applications", "/console/applications?box=all"],
    "admin": ["/admin/accounts", "/admin/routes"],
}


class Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.html_lang = ""
        self.mains = 0
        self.skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if tag == "main":
            self.mains += 1
        if tag == "a" and a.get("class") == "skip":
            self.skip = True
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in (
                "hidden", "submit", "button"):
            self.controls.append(a)


def _check(html: str, url: str) -> list[str]:
    p = Controls()
    p.feed(html)
    problems = []
    if not p.html_lang or p.mains != 1 or not p.skip:
        problems.append(f"{url}: lang/main/skip link missing")
    for c in p.controls:
        if c.get("id") not in p.label_for and not c.get("aria-label"):
            problems.append(f"{url}: control {c.get('name')!r} has no label")
        for ref in (c.get("aria-describedby") or "").split():
            if ref not in p.ids:
                problems.append(f"{url}: {c.get('name')!r} describedby missing #{ref}")
    return problems


@pytest.mark.parametrize("user", list(PAGES))
def test_controls_have_labels(client, login, user):
    if user:
        login(client, user)
    problems = []
    for url in PAGES[user]:
        r = client.get(url)
        assert r.status_code == 200, url
        problems += _check(r.get_data(as_text=True), url)
    assert not problems, "\n".join(problems)


def test_error_page_is_accessible_too(client):
    r = client.get("/nowhere")
    assert _check(r.get_data(as_text=True), "/nowhere") == []
