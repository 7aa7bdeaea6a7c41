"""Cold page loads: bytes on the wire, requests and layout shift, this checkout against a baseline.

Starts the app with the demo data (a fresh SQLite database, as the browser tests do) for this
checkout and for a baseline commit (a git worktree, made when missing; it runs in this venv), and
loads the log-in page, a step of the check and the results page in Chromium (Playwright,
/usr/bin/chromium) each in a new browser context: an empty cache, as on a first visit. The pages
behind the log-in get the session cookie only. Network throttled like Lighthouse's mobile run (150
ms round trip, 1.6 Mbit/s down), so a late font shows up as it would on a phone.

Prints side by side, the median of --runs loads:
  kB        bytes transferred (CDP Network.loadingFinished encodedDataLength: compressed, headers in)
  requests  number of requests
  CLS       the sum of layout shifts (PerformanceObserver 'layout-shift', buffered)
  load ms   until the load event
and, when `npm exec lighthouse@12.2.3` works, Lighthouse's mobile performance score per page.
Goals on a cold step page: under 150 kB, CLS under 0.1.

    .venv/bin/python -m bench.coldload [--baseline fd5955d] [--runs 3] [--no-lighthouse]
    .venv/bin/python -m bench.coldload --smoke      # this checkout, the log-in page once (CI)
Run it from the checkout's root.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"]
EMAIL, PASSWORD = "beleid@breda.example", "demo-wachtwoord"
LIGHTHOUSE = "lighthouse@12.2.3"
# Lighthouse's mobile throttling (simulated there, applied here): 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up.
THROTTLE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
PAGES = ("login", "step", "results")

SERVER = r"""
import logging, os
from flask_migrate import upgrade
from selfcheck import create_app
from selfcheck.demo import load_demo_data
logging.disable(logging.WARNING)
app = create_app()
with app.app_context():
    upgrade(); load_demo_data(app.extensions["questionnaire_store"])
app.run(host="127.0.0.1", port=int(os.environ["PORT"]), threaded=True)
"""

# Reads the layout shifts the page has had so far (buffered: also those before this ran).
CLS_SCRIPT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 100);
})"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(checkout: Path):
    """The checkout's app with the demo data on a fresh database; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="coldload-") as folder:
        port = _free_port()
        env = {
            **os.environ,
            "PORT": str(port),
            "PYTHONPATH": str(checkout),
            "SELFCHECK_INSTANCE": folder,
            "SELFCHECK_ENV": "development",
            "SECRET_KEY": "coldload",
            "DATABASE_URL": f"sqlite:///{folder}/coldload.db",
        }
        log = Path(folder) / "server.log"
        with open(log, "wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-c", SERVER], env=env, cwd=checkout, stdout=output, stderr=subprocess.STDOUT
            )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(base + "/health", timeout=1)
                    break
                except OSError:
                    if process.poll() is not None:
                        raise RuntimeError(log.read_text()) from None
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def baseline_checkout(commit: str, folder: Path) -> Path:
    if not (folder / "selfcheck").is_dir():
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), commit], cwd=ROOT, check=True)
    return folder


def log_in(browser, base: str) -> tuple[list[dict], dict[str, str]]:
    """Cookies of a logged-in session, and the URLs of a step page and the results page."""
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.goto("/inloggen")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    html = page.content()
    if "/checks/" not in html:
        page.goto("/")
        html = page.content()
    check = re.search(r'href="(/checks/\d+)', html)
    if check is None:
        raise RuntimeError("no check found on the start page of " + EMAIL)
    cookies = context.cookies()
    context.close()
    urls = {"login": "/inloggen", "step": check.group(1) + "/stap/1", "results": check.group(1) + "/resultaten"}
    return cookies, urls


def cold_load(browser, base: str, url: str, cookies: list[dict], throttle: bool = True) -> dict:
    """One load in a new context (empty cache): transferred bytes, requests, CLS, time to load."""
    context = browser.new_context(base_url=base, viewport={"width": 412, "height": 823}, device_scale_factor=1.75)
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttle:
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
    transferred, requests = [], []
    cdp.on("Network.requestWillBeSent", lambda event: requests.append(event["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda event: transferred.append(event["encodedDataLength"]))
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        raise RuntimeError(f"{url}: {response.status if response else 'no response'}")
    load_ms = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventStart")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # a late font or script would shift the page now
    cls = page.evaluate(CLS_SCRIPT)
    context.close()
    return {"kB": sum(transferred) / 1000, "requests": len(requests), "CLS": cls, "load ms": load_ms}


def lighthouse_available() -> str | None:
    """Lighthouse's version if npm can run it here, else None."""
    try:
        result = subprocess.run(
            ["npm", "exec", "--yes", f"{LIGHTHOUSE}", "--", "--version"], capture_output=True, text=True, timeout=300
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip().splitlines()[-1] if result.returncode == 0 and result.stdout.strip() else None


def lighthouse_score(base: str, url: str, cookies: list[dict]) -> float | None:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = [
            "npm", "exec", "--yes", LIGHTHOUSE, "--", base + url,
            "--only-categories=performance", "--output=json", f"--output-path={output}", "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
        ]  # fmt: skip
        if cookies:
            header = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
            command.append("--extra-headers=" + json.dumps({"Cookie": header}))
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
        if result.returncode != 0 or not output.exists():
            return None
        score = json.loads(output.read_text())["categories"]["performance"]["score"]
        return None if score is None else score * 100


def measure(browser, checkout: Path, runs: int, pages: tuple[str, ...], lighthouse: bool) -> dict:
    figures = {}
    with server(checkout) as base:
        cookies, urls = log_in(browser, base)
        for name in pages:
            page_cookies = [] if name == "login" else cookies
            cold_load(browser, base, urls[name], page_cookies, throttle=False)  # warm the server, not the browser
            loads = [cold_load(browser, base, urls[name], page_cookies) for _ in range(runs)]
            figures[name] = {key: statistics.median(load[key] for load in loads) for key in loads[0]}
            if lighthouse:
                figures[name]["Lighthouse"] = lighthouse_score(base, urls[name], page_cookies)
    return figures


def print_table(columns: dict[str, dict]) -> None:
    labels = list(columns)
    keys = ["kB", "requests", "CLS", "load ms", "Lighthouse"]
    print(f"{'page':<10}{'figure':<12}" + "".join(f"{label:>16}" for label in labels))
    for page in next(iter(columns.values())):
        for key in keys:
            if not any(key in columns[label][page] for label in labels):
                continue
            cells = []
            for label in labels:
                value = columns[label][page].get(key)
                cells.append("n/a" if value is None else f"{value:.3f}" if key == "CLS" else f"{value:.0f}")
            print(f"{page:<10}{key:<12}" + "".join(f"{cell:>16}" for cell in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="fd5955d", help="the commit to compare with (default fd5955d)")
    parser.add_argument("--baseline-dir", type=Path, default=Path(tempfile.gettempdir()) / "baseline")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="this checkout, the log-in page once, no Lighthouse")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    lighthouse = False
    if not args.smoke and not args.no_lighthouse:
        version = lighthouse_available()
        lighthouse = version is not None
        print(
            f"Lighthouse {version}" if lighthouse else f"Lighthouse: `npm exec {LIGHTHOUSE}` does not run here; skipped"
        )

    with ExitStack() as stack:
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        if args.smoke:
            columns = {"this checkout": measure(browser, ROOT, 1, ("login",), False)}
        else:
            baseline = baseline_checkout(args.baseline, args.baseline_dir)
            columns = {
                f"baseline {args.baseline}": measure(browser, baseline, args.runs, PAGES, lighthouse),
                "this checkout": measure(browser, ROOT, args.runs, PAGES, lighthouse),
            }
    print_table(columns)
    step = columns["this checkout"].get("step")
    if step:
        verdict = "met" if step["kB"] < 150 and step["CLS"] < 0.1 else "NOT met"
        print(f"\nGoals on a cold step page (under 150 kB, CLS under 0.1): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
