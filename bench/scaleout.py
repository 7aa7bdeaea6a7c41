"""Scale-out, shown: two app instances behind one address, sharing PostgreSQL and Redis.

Two gunicorn instances on 127.0.0.1 (two workers each), each with an instance folder of its own as
on two hosts, run as production (SECRET_KEY, RATELIMIT_STORAGE_URI and REPORT_CACHE_URL set, one
trusted proxy), on a PostgreSQL database made for the run and with the demo data. In front of them
a tiny round-robin proxy stands in for the load balancer: it sends each request to the next
instance, adds the X-Forwarded headers a TLS-terminating proxy adds, and names the instance that
answered in `X-Served-By`. The script then checks, and prints, that

- a log-in form fetched from one instance is accepted by the other (session and CSRF token);
- an answer saved through one instance is on the page of both at once;
- a report rendered by one is served by the other from the shared cache, and a changed answer gives
  both a new one; a download that has to wait shows the progress page, and the render runs in the
  background of whichever instance was asked; four downloads at once on both give one render;
- making a check definitive renders its reports in the background before anyone asks;
- the log-in limit counts the attempts of both instances together.

    .venv/bin/python -m bench.scaleout      # from the checkout's root; about a minute

SCALEOUT_DATABASE_URL overrides the database (it is dropped and made again); SCALEOUT_REDIS_URL the
Redis database (default index 11; every key of the run has a prefix of its own and is removed
afterwards). The script exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import getpass
import http.client
import http.server
import itertools
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
import redis

ROOT = Path(__file__).resolve().parent.parent
OFFICER, BUYER = "beleid@breda.example", "inkoop@breda.example"

SETUP = r"""
import json, os
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
url = make_url(os.environ["DATABASE_URL"])
admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with admin.connect() as c:
    c.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    c.execute(text(f'CREATE DATABASE "{url.database}"'))
admin.dispose()
import logging; logging.disable(logging.WARNING)
from flask_migrate import upgrade
from selfcheck import create_app
from selfcheck.check.operations import start_assessment
from selfcheck.check.store import save_answers
from selfcheck.demo import DEMO_PASSWORD, load_demo_data
from selfcheck.extensions import db
from selfcheck.models import Assessment, User
app = create_app()
with app.app_context():
    upgrade()
    store = app.extensions["questionnaire_store"]
    load_demo_data(store)
    officer = User.query.filter_by(email=os.environ["OFFICER"]).one()
    draft = Assessment.query.filter_by(gemeente_id=officer.gemeente_id, status="concept").one()
    questionnaire = store.get(draft.questionnaire_fingerprint)
    question = questionnaire.domains[0].questions[0]
    complete = start_assessment(store, officer.gemeente, 2027, officer, prefill=False)
    save_answers(complete, officer, {q.id: (q.options[-1].value, "") for q in store.current.questions})
    db.session.commit()
    print(json.dumps({"draft": draft.id, "question": question.id, "options": [o.value for o in question.options],
                      "complete": complete.id, "password": DEMO_PASSWORD}))
"""

GUNICORN = ("--log-level", "warning", "selfcheck:create_app()")
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RoundRobin(http.server.ThreadingHTTPServer):
    """The load balancer: each request to the next instance, with the headers a TLS proxy adds."""

    daemon_threads = True

    def __init__(self, port: int, backends: dict[str, int]):
        self.backends = list(backends.items())
        self.turn = itertools.cycle(range(len(self.backends)))
        self.turn_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), ProxyHandler)

    def next_backend(self) -> tuple[str, int]:
        with self.turn_lock:
            return self.backends[next(self.turn)]


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        name, port = self.server.next_backend()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"x-client-address"}}
        # X-Client-Address stands in for requests from other addresses (the log-in limit check)
        headers["X-Forwarded-For"] = self.headers.get("X-Client-Address") or self.client_address[0]
        headers["X-Forwarded-Proto"] = "https"
        headers["X-Forwarded-Host"] = self.headers.get("Host", "")
        upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP | {"content-length", "server", "date"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Served-By", name)
            self.end_headers()
            self.wfile.write(data)
        finally:
            upstream.close()

    do_GET = do_POST = do_HEAD = _forward

    def log_message(self, *args) -> None:
        pass


class Client:
    """A browser, roughly: keeps the cookies (it stands behind the TLS proxy, so Secure cookies go
    back too), sends a Referer as browsers do (CSRF checks it over https) and follows no redirects."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.http = httpx.Client(timeout=60)

    def request(self, method: str, url: str, base: str | None = None, **kwargs) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.setdefault("Referer", "https://" + self.base.split("://", 1)[1] + "/")
        response = self.http.request(method, (base or self.base) + url, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if (morsel["expires"] and "1970" in morsel["expires"]) or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url: str, base: str | None = None, **kwargs) -> httpx.Response:
        return self.request("GET", url, base, **kwargs)

    def form(self, url: str, base: str | None = None) -> tuple[dict, str]:
        """The hidden fields of the page's form (CSRF token, versions, original answers), and who served it."""
        page = self.get(url, base)
        assert page.status_code == 200, (url, page.status_code)
        fields = dict(HIDDEN.findall(page.text))
        fields["csrf_token"] = CSRF.search(page.text).group(1)
        return fields, page.headers.get("x-served-by", "direct")

    def post(self, url: str, data: dict, base: str | None = None, **kwargs) -> httpx.Response:
        return self.request("POST", url, base, data=data, **kwargs)


class Run:
    def __init__(self):
        self.failures = 0

    def check(self, ok: bool, text: str) -> None:
        print(f"  [{'ok' if ok else 'FAILED'}] {text}")
        self.failures += not ok


def renders(logs: dict[str, Path], assessment_id: int, kind: str = "rapport") -> dict[str, int]:
    """How many times each instance rendered this report, from its log (one JSON object a line)."""
    pattern = f"Report {kind} of check {assessment_id} rendered"
    counts = {}
    for name, path in logs.items():
        counts[name] = 0
        for line in path.read_text(errors="replace").splitlines():
            try:
                message = json.loads(line).get("message", "")
            except ValueError:
                message = line
            counts[name] += message.startswith(pattern)
    return counts


def wait_ready(client: Client, progress: str, timeout: float = 60) -> list[str]:
    """Follow the progress page (through the proxy, so both instances answer it) until the report
    is ready; return who served each look."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(progress)
        seen.append(page.headers.get("x-served-by", "?"))
        if "is klaar" in page.text:
            return seen
        assert "wordt gemaakt" in page.text, page.text[:300]
        time.sleep(0.25)
    raise SystemExit(f"the report was not ready after {timeout} s")


def checked(html: str, question: str) -> str | None:
    match = re.search(rf'name="q_{question}" id="q_{question}-[^"]+" value="([^"]+)" checked', html)
    return match.group(1) if match else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    args = parser.parse_args()
    database = os.environ.get(
        "SCALEOUT_DATABASE_URL", f"postgresql+psycopg://{getpass.getuser()}@/scaleout?host=/var/run/postgresql"
    )
    redis_url = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/11")
    prefix = f"scaleout-{secrets.token_hex(4)}"
    folder = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    common = {
        **os.environ,
        "DATABASE_URL": database,
        "SELFCHECK_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),  # one key for both: either can read the other's cookies
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": prefix,
        "REPORT_CACHE_URL": redis_url,
        "REPORT_CACHE_PREFIX": prefix,
        "REPORT_WAIT_SECONDS": "0",  # every render that is not done shows the progress page
        "TRUST_PROXY_HOPS": "1",
        "LOG_FORMAT": "json",
    }
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", SETUP],
        env={**common, "SELFCHECK_INSTANCE": str(folder / "setup"), "OFFICER": OFFICER},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    demo = json.loads(out.stdout.strip().splitlines()[-1])
    ports = {"a": free_port(), "b": free_port()}
    servers, logs = {}, {}
    for name, port in ports.items():
        logs[name] = folder / f"{name}.log"
        servers[name] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}", *GUNICORN],
            env={**common, "SELFCHECK_INSTANCE": str(folder / f"instance-{name}")},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=logs[name].open("w"),
        )
    proxy_port = free_port()
    proxy = RoundRobin(proxy_port, ports)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    direct = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    store = redis.Redis.from_url(redis_url)
    run = Run()
    try:
        for name, base in direct.items():
            for _ in range(200):
                try:
                    if httpx.get(base + "/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            else:
                raise SystemExit(f"instance {name} did not start:\n{logs[name].read_text()[-2000:]}")
        print(f"Two instances on PostgreSQL ({database.split('@')[-1]}) and Redis ({redis_url}, prefix {prefix}):")
        for name, base in direct.items():
            print(f"  {name}: {base}, {args.workers} workers, instance folder {folder / f'instance-{name}'}")
        print(f"  round-robin proxy: http://127.0.0.1:{proxy_port}; set up in {time.perf_counter() - started:.0f} s\n")

        browser = Client(f"http://127.0.0.1:{proxy_port}")
        print("Session and CSRF token")
        fields, form_from = browser.form("/inloggen")
        login = browser.post("/inloggen", {**fields, "email": OFFICER, "password": demo["password"]})
        served = login.headers.get("x-served-by")
        run.check(
            login.status_code == 302 and served != form_from,
            f"log-in form from {form_from}, posted to {served}: {login.status_code} (logged in)",
        )
        pages = [browser.get(f"/checks/{demo['draft']}") for _ in range(2)]
        run.check(
            all(p.status_code == 200 for p in pages) and {p.headers["x-served-by"] for p in pages} == {"a", "b"},
            "the session works on both: the check's overview from "
            + " and ".join(f"{p.headers['x-served-by']} ({p.status_code})" for p in pages),
        )

        print("A save on one instance is seen at once on the other")
        draft, question = demo["draft"], demo["question"]
        step = f"/checks/{draft}/stap/1"
        before = checked(browser.get(step, direct["a"]).text, question)
        new = next(o for o in demo["options"] if o != before)
        fields, form_from = browser.form(step)
        saved = browser.post(step, {**fields, f"q_{question}": new, "action": "save"})
        served = saved.headers.get("x-served-by")
        seen = {name: checked(browser.get(step, base).text, question) for name, base in direct.items()}
        run.check(
            saved.status_code == 302 and set(seen.values()) == {new},
            f"saved '{new}' (was '{before}') through {served}; the step page of a and b now shows {seen}",
        )

        print("The report cache is shared, and invalidated for both")
        pdf_url, progress = f"/checks/{draft}/rapport.pdf", f"/checks/{draft}/rapport/wordt-gemaakt"
        first = browser.get(pdf_url, direct["a"])
        looks = wait_ready(browser, progress)
        counts = renders(logs, draft)
        run.check(
            first.status_code == 303 and first.headers["location"] == progress and counts == {"a": 1, "b": 0},
            f"a download on a (nothing cached) shows the progress page; a rendered it in the background "
            f"(renders {counts}); the page was answered by {'/'.join(looks)} until it said 'klaar'",
        )
        start = time.perf_counter()
        on_b = browser.get(pdf_url, direct["b"])
        took = (time.perf_counter() - start) * 1000
        run.check(
            on_b.status_code == 200 and on_b.content.startswith(b"%PDF") and renders(logs, draft)["b"] == 0,
            f"b serves a's report from Redis in {took:.0f} ms without rendering ({len(on_b.content) // 1024} kB)",
        )
        old_pdf = on_b.content
        other = next(o for o in demo["options"] if o != new)
        fields, _ = browser.form(step, direct["a"])
        browser.post(step, {**fields, f"q_{question}": other, "action": "save"}, direct["a"])
        changed = browser.get(pdf_url, direct["b"])
        wait_ready(browser, progress)
        on_a = browser.get(pdf_url, direct["a"])
        counts = renders(logs, draft)
        run.check(
            changed.status_code == 303
            and on_a.status_code == 200
            and on_a.content != old_pdf
            and counts == {"a": 1, "b": 1},
            f"after a change saved on a, b no longer serves the old report: it renders a new one in its own "
            f"background (renders {counts}), which a then serves",
        )
        stored = list(store.scan_iter(f"{prefix}:report:{draft}:rapport:*"))
        run.check(len(stored) == 1, f"Redis holds {len(stored)} version of this report (the old one was dropped)")

        fields, _ = browser.form(step, direct["b"])
        browser.post(step, {**fields, f"q_{question}": new, "action": "save"}, direct["b"])
        before_counts = renders(logs, draft)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda base: browser.get(pdf_url, base).status_code, [*direct.values()] * 2))
        wait_ready(browser, progress)
        after_counts = renders(logs, draft)
        total = sum(after_counts.values()) - sum(before_counts.values())
        run.check(
            total == 1,
            f"four downloads at once, two on each instance ({answers}): {total} render "
            f"(renders {after_counts}; the lock is in Redis)",
        )

        print("Background jobs after submit")
        complete = demo["complete"]
        fields, form_from = browser.form(f"/checks/{complete}/indienen")
        submitted = browser.post(f"/checks/{complete}/indienen", fields)
        served = submitted.headers.get("x-served-by")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(renders(logs, complete).values()) == 0:
            time.sleep(0.2)
        counts = renders(logs, complete)
        if sum(counts.values()):
            time.sleep(0.5)
            download = browser.get(f"/checks/{complete}/rapport.pdf")
            run.check(
                submitted.status_code == 302 and download.status_code == 200 and sum(counts.values()) == 1,
                f"submitted through {served}; its report was rendered in the background before anyone asked "
                f"(renders {counts}), and the first download ({download.headers['x-served-by']}) came from the cache",
            )
        else:
            run.check(
                False, f"submitted through {served}, but no report was rendered in 30 s (is prerender() hooked in?)"
            )

        print("Log-in limits are counted together")
        stranger, browser = "203.0.113.50", Client(browser.base)  # someone not logged in
        served = []
        statuses = []
        fields, _ = browser.form("/inloggen")  # one form, posted again and again: to a, b, a, ...
        for _ in range(11):
            attempt = browser.post(
                "/inloggen",
                {**fields, "email": BUYER, "password": "fout-wachtwoord"},
                headers={"X-Client-Address": stranger},
            )
            statuses.append(attempt.status_code)
            served.append(attempt.headers.get("x-served-by"))
        right = browser.post(
            "/inloggen",
            {**browser.form("/inloggen")[0], "email": BUYER, "password": demo["password"]},
            headers={"X-Client-Address": stranger},
        )
        elsewhere = Client(browser.base)
        fields, _ = elsewhere.form("/inloggen")
        other_address = elsewhere.post(
            "/inloggen",
            {**fields, "email": BUYER, "password": demo["password"]},
            headers={"X-Client-Address": "198.51.100.7"},
        )
        run.check(
            statuses[:10] == [422] * 10 and statuses[10] == 429 and right.status_code == 429,
            f"11 wrong passwords for one account from one address, {served.count('a')}x through a and "
            f"{served.count('b')}x through b: the first 10 refused ({statuses[:10].count(422)}x 422), the 11th "
            f"and then the right password ({right.headers.get('x-served-by')}) get 429",
        )
        run.check(other_address.status_code == 302, "the right password from another address still gets in")
    finally:
        proxy.shutdown()
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        for key in store.scan_iter(f"*{prefix}*"):  # the limiter's keys carry the prefix inside
            store.delete(key)
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\n{'all checks passed' if not run.failures else f'{run.failures} checks FAILED'} "
        f"in {time.perf_counter() - started:.0f} s"
    )
    raise SystemExit(1 if run.failures else 0)


if __name__ == "__main__":
    main()
