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
def live_folder(tmp_path_factory) -> Path:
    """Where the live server keeps its instance: its SQLite database is live.db."""
    return tmp_path_factory.mktemp("live")


@pytest.fixture(scope="session")
def live_server(live_folder):
    """The app with the demo data on a fresh database, served on 127.0.0.1."""
    folder = live_folder
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


# Every WCAG 2.0/2.1 A and AA rule of axe-core, and its best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def audit(page, name: str) -> None:
    """axe-core on the current page: no violation of any impact."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = result["violations"]
    details = json.dumps(
        [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in violations
        ],
        indent=1,
    )
    if violations:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"axe-{name}.png"), full_page=True)
    assert not violations, f"axe on {name}: {details}"


# What sticks out of the viewport: the page's own width, and anything in the header or footer that is
# cut off; for a failure, the widest elements that are not inside a container that scrolls itself.
LAYOUT = """() => {
  const width = window.innerWidth;
  const scrolls = (el) => { for (let e = el.parentElement; e; e = e.parentElement) {
    const x = getComputedStyle(e).overflowX; if (x === 'auto' || x === 'scroll' || x === 'hidden') return true; } return false; };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50) + '"';
  const cut = [];
  for (const region of document.querySelectorAll('body > header, body > footer')) {
    for (const el of [region, ...region.querySelectorAll('*')]) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.left < -0.5 || r.right > width + 0.5)) cut.push(describe(el));
    }
  }
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && !scrolls(el)) wide.push([Math.round(r.right), describe(el)]);
  }
  wide.sort((a, b) => b[0] - a[0]);
  return {width, scrollWidth: document.documentElement.scrollWidth, cut: cut.slice(0, 8), wide: wide.slice(0, 8)};
}"""


def check_layout(page, name: str) -> None:
    """The page is no wider than the screen, and its header and footer are wholly in view."""
    found = page.evaluate(LAYOUT)
    problems = []
    if found["scrollWidth"] > found["width"]:
        problems.append(f"page is {found['scrollWidth']} px wide on a {found['width']} px screen: {found['wide']}")
    if found["cut"]:
        problems.append(f"cut off in header or footer: {found['cut']}")
    if problems:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"layout-{name}.png"), full_page=True)
    assert not problems, f"layout of {name}: " + "; ".join(problems)


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


VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """The Nu Html Checker's errors (not its warnings) for each page's HTML, in one run of Java."""
    assert VNU.exists(), f"{VNU} is missing: run `npm ci` in the checkout (the README's test command does)"
    files = {}
    for name, html in pages.items():
        files[name] = folder / f"{name}.html"
        files[name].write_text(html, encoding="utf-8")
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *map(str, files.values())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stdout)["messages"]
    errors: dict[str, list[str]] = {}
    for message in messages:
        name = Path(message.get("url", "?")).stem  # file:/folder/<name>.html
        errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors
