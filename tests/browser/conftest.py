"""Browser tests: the app in its own process, driven through Debian's Chromium with Playwright."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

SERVER = r"""
import os, sys
from flask_migrate import upgrade
from selfcheck import create_app
from selfcheck.demo import load_demo_data
import logging; logging.disable(logging.WARNING)
app = create_app()
with app.app_context():
    upgrade(); load_demo_data(app.extensions["questionnaire_store"])
app.run(host="127.0.0.1", port=int(os.environ["PORT"]), threaded=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with the demo data on a fresh database, served on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("live")
    port = _free_port()
    # development: plain http on 127.0.0.1, so no Secure-only cookies
    env = {
        **os.environ,
        "ROOT": str(ROOT),
        "PORT": str(port),
        "SELFCHECK_INSTANCE": str(folder),
        "SELFCHECK_ENV": "development",
        "SECRET_KEY": "browser-tests",
        "DATABASE_URL": f"sqlite:///{folder / 'live.db'}",
    }
    log = folder / "server.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER], env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(chromium, live_server, request):
    # bypass_csp: axe-core is injected as an inline script, which the app's CSP rightly refuses
    context = chromium.new_context(
        base_url=live_server,
        bypass_csp=True,
        viewport={"width": 1280, "height": 900},
        locale="nl-NL",
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def audit(page, name: str) -> None:
    """axe-core on the current page: no serious or critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = json.dumps(
        [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in serious
        ],
        indent=1,
    )
    if serious:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"axe-{name}.png"), full_page=True)
    assert not serious, f"axe on {name}: {details}"


def press_and_wait(page, key: str = "Enter") -> None:
    """Press a key that submits a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def login(page, email: str, password: str = "demo-wachtwoord") -> None:
    page.goto("/inloggen")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
