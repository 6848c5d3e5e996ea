"""Logging in and out, lockout and rate limits, session expiry, and the ``requires`` guard."""

from __future__ import annotations

import time

from webclient import csrf_token, do_login, post

from web import create_app


def test_login_page_is_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "登录" in html


def test_login_sends_each_role_to_its_start_page(client):
    assert do_login(client, "worker.g1").headers["Location"].endswith("/console/inbox")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert do_login(client, "citizen1").headers["Location"] == "/"


def test_login_follows_next_but_never_off_site(client):
    token = csrf_token(client)
    r = client.post("/login?next=/map/", data={
        "csrf_token": token, "username": "commander.d1", "password": "jinzhi-demo"})
    assert r.headers["Location"] == "/map/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    token = csrf_token(client)
    r = client.post("/login?next=https://evil.example/", data={
        "csrf_token": token, "username": "commander.d1", "password": "jinzhi-demo"})
    assert "evil" not in r.headers["Location"]


def test_wrong_password_is_a_friendly_message(client):
    r = do_login(client, "worker.g1", "wrong-password")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "error-summary" in html
    assert "用户名或密码不正确" in html


def test_lockout_after_repeated_failures(client):
    for _ in range(5):
        do_login(client, "worker.g1", "wrong-password")
    html = do_login(client, "worker.g1").get_data(as_text=True)
    assert "15" in html and "error-summary" in html


def test_logout_needs_post_with_token(client, login):
    login(client, "worker.g1")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    r = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert r.status_code == 302
    assert client.get("/console/inbox").status_code == 302


def test_anonymous_is_sent_to_login(client):
    r = client.get("/console/inbox")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")


def test_wrong_role_is_403_page(client, login):
    login(client, "citizen1")
    r = client.get("/console/inbox")
    assert r.status_code == 403 and "error-summary" not in r.get_data(as_text=True)


def test_session_is_permanent_with_8_hour_lifetime(app, client, login):
    login(client, "worker.g1")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.expires is not None
    assert app.permanent_session_lifetime.total_seconds() == 8 * 3600


def test_idle_session_expires(client, login):
    login(client, "worker.g1")
    with client.session_transaction() as s:
        s["seen"] = int(time.time()) - 31 * 60
    r = client.get("/console/inbox")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_login_is_rate_limited_with_a_friendly_page(platform):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "LOGIN_RATE_LIMIT": "3 per minute"},
                     platform=platform)
    client = app.test_client()
    codes = [do_login(client, "nobody", "wrong-password").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    r = post(client, "/login", {"username": "nobody", "password": "x"})
    assert r.status_code == 429 and "稍" in r.get_data(as_text=True)
    # another username from the same address is not blocked
    assert do_login(client, "worker.g1").status_code == 302
