"""End-to-end fixtures: a live server on a random loopback port over a freshly seeded SQLite
database, and Debian's Chromium driven by Playwright. Screenshots go to
``artifacts/screenshots/``. Without ``/usr/bin/chromium`` the tests are skipped, unless
``JINZHI_REQUIRE_BROWSER=1`` (CI), where they fail instead."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from core import schema
from core.config import Config
from core.platform import Platform
from web import create_app

CHROMIUM = Path("/usr/bin/chromium")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]



def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("JINZHI_REQUIRE_BROWSER") == "1":
            pytest.fail("JINZHI_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
        pytest.skip("no /usr/bin/chromium (apt-get install chromium) — browser tests skipped")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_platform(live_server: str) -> Platform:
    """The live server's platform (to look things up in its database)."""
    return _LIVE["platform"]


_LIVE: dict[str, Any] = {}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[str]:
    """The app on 127.0.0.1:<random port>, over its own seeded database."""
    from simulator.seed import seed_demo

    folder = tmp_path_factory.mktemp("live")
    config = Config.load(instance_path=folder, database_url=f"sqlite:///{folder / 'live.sqlite'}")
    platform = Platform(config)
    schema.upgrade(platform.pm, platform.engine)
    seed_demo(platform, scale="small", seed=1)
    many = "1000 per minute"  # the journeys log in far more often than a person would
    app = create_app({"SECRET_KEY": "browser-tests", "LOGIN_RATE_LIMIT": many,
                      "LOGIN_RATE_LIMIT_PER_ADDRESS": many}, platform=platform)
    _LIVE["platform"] = platform
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    platform.engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def new_page(browser: Any, live_server: str) -> Iterator[Any]:
    """``new_page(lang, mobile=False)``: a fresh browser context in that language."""
    contexts = []

    def make(lang: str = "zh", mobile: bool = False) -> Any:
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        ctx = browser.new_context(viewport=viewport, base_url=live_server,
                                  is_mobile=mobile, has_touch=mobile)
        contexts.append(ctx)
        ctx.add_cookies([{"name": "jinzhi_lang", "value": lang, "url": live_server}])
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for ctx in contexts:
        ctx.close()
