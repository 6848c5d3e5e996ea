"""Admin pages: accounts (create, with errors shown at the fields), plugins, catalog."""

from __future__ import annotations

from webclient import post


def test_create_account(client, login):
    login(client, "admin")
    r = post(client, "/admin/accounts", {"username": "worker.new", "role": "grid_worker",
                                          "scope_code": "120101", "password": "long-enough-1"})
    assert r.status_code == 302
    assert "worker.new" in client.get("/admin/accounts?q=worker.new").get_data(as_text=True)


def test_create_account_errors_are_shown(client, login):
    login(client, "admin")
    r = post(client, "/admin/accounts", {"username": "x", "role": "grid_worker",
                                          "password": "short"})
    html = r.get_data(as_text=True)
    assert "error-summary" in html and "密码至少需要 8 个字符" in html
    r = post(client, "/admin/accounts", {"username": "worker.g1", "role": "grid_worker",
                                          "scope_code": "120101", "password": "long-enough-1"})
    assert "taken" in r.get_data(as_text=True)


def test_plugins_and_catalog(client, login):
    login(client, "admin")
    html = client.get("/admin/plugins").get_data(as_text=True)
    for name in ("grid", "services", "web"):
        assert f"<strong>{name}</strong>" in html
    assert "civil.residence-certificate" in client.get("/admin/catalog?q=居住").get_data(
        as_text=True)


def test_catalog_and_taxonomy_show_labels_not_codes_in_chinese(client, login):
    import re

    login(client, "admin")
    html = client.get("/admin/catalog").get_data(as_text=True)
    cells = re.findall(r'data-label="[^"]*">([^<]*)</td>', html)
    for code in ("district", "street", "city", "civil_affairs", "public_security"):
        assert code not in cells, code
    html = client.get("/admin/taxonomy").get_data(as_text=True)
    cells = re.findall(r'data-label="[^"]*">([^<]*)</td>', html)
    for code in ("city_management", "agriculture", "housing"):
        assert code not in cells, code
