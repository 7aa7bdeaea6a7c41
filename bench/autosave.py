"""What one autosave costs the app, beside GET /health of the same app, measured in one run.

The autosave is what every person filling in a check sends every few seconds (static/js/check.js),
so its cost decides how many people one server carries. Measured twice, on PostgreSQL with the
app configured as in production (Redis for the limits, Secure cookies, behind a TLS proxy):

- in-process, through Flask's test client: CPU time per request (time.process_time, this
  process only: the app and the database driver, not the PostgreSQL server), the SQL statements
  per request, and a cProfile of the autosaves summed by package and by function;
- under gunicorn (one sync worker, requests one after another from bench/client.py): the
  worker's own CPU per request from /proc, and PostgreSQL's beside it.

Every autosave really changes an answer (a different option in turn, sometimes a comment), and
builds on the version and fingerprints of the reply before it, as check.js does. Target: an
autosave at most 5x /health in app CPU.

    .venv/bin/python -m bench.autosave [--requests 400] [--profile 200]   # from the checkout's root
    BENCH_DATABASE_URL=postgresql+psycopg://... chooses the database (it is dropped and rebuilt).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import cProfile
import getpass
import os
import pstats
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.client import Client, Page, csrf_token
from bench.population import PASSWORD, populate, user_email

ROOT = Path(__file__).resolve().parent.parent
TARGET = 5  # an autosave may cost at most this many times /health
BASE = "https://localhost"  # the test client speaks "https", so the Secure session cookie comes back


def environment(folder: Path, database: str) -> dict[str, str]:
    """Production, as behind a TLS proxy: Redis for the limits, Secure cookies, one proxy hop."""
    return {
        "DATABASE_URL": database,
        "SELFCHECK_ENV": "production",
        "SECRET_KEY": "bench-secret",
        "SELFCHECK_INSTANCE": str(folder),
        "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "TRUST_PROXY_HOPS": "1",
    }


def default_database(name: str) -> str:
    return os.environ.get(
        "BENCH_DATABASE_URL", f"postgresql+psycopg://{getpass.getuser()}@/{name}?host=/var/run/postgresql"
    )


class Editor:
    """Picks, for each autosave, a question of the page and an answer different from what it shows;
    every third save also changes that question's comment."""

    def __init__(self, page: Page, seed: int = 1):
        self.page, self.rng, self.n = page, random.Random(seed), 0

    def next_form(self) -> dict[str, str]:
        self.n += 1
        questions = list(self.page.options)
        name = questions[self.n % len(questions)]
        current = self.page.fields.get(name)
        self.page.fields[name] = self.rng.choice([v for v in self.page.options[name] if v != current])
        if self.n % 3 == 0:
            self.page.fields["c" + name[1:]] = f"Toelichting {self.n}"
        return dict(self.page.fields)


# --- in-process --------------------------------------------------------------------------------


def in_process(app, check_id: int, requests: int, profile_requests: int) -> dict:
    from sqlalchemy import event

    from selfcheck.extensions import db

    client = app.test_client()
    token = csrf_token(client.get(f"{BASE}/inloggen").get_data(as_text=True))
    login = client.post(
        f"{BASE}/inloggen",
        data={"csrf_token": token, "email": user_email(0), "password": PASSWORD},
        headers={"Referer": f"{BASE}/inloggen"},
    )
    assert login.status_code == 302, login.status_code
    step = f"{BASE}/checks/{check_id}/stap/1"
    page = Page(client.get(step).get_data(as_text=True))
    editor = Editor(page)
    headers = {"Accept": "application/json", "Referer": step}

    statements = [0]
    with app.app_context():
        engine = db.engine

    def count(*_args):
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    from selfcheck.check import store

    run = getattr(store, "_run", None)  # the save path's statements that go to psycopg directly

    def counted_run(*args, **kwargs):
        statements[0] += 1
        return run(*args, **kwargs)

    if run is not None:
        store._run = counted_run
    # The app's own CPU: inside its WSGI callable, so the test client's work (encoding the form,
    # reading the reply) is left out, as it is under gunicorn.
    app_cpu = [0.0]
    wsgi_app = app.wsgi_app

    def measured(environ, start_response):
        started = time.process_time()
        try:
            return wsgi_app(environ, start_response)
        finally:
            app_cpu[0] += time.process_time() - started

    app.wsgi_app = measured

    def autosave():
        reply = client.post(BASE + page.autosave_url, data=editor.next_form(), headers=headers)
        assert reply.status_code == 200 and reply.json["saved"], (reply.status_code, reply.get_data(as_text=True))
        page.take(reply.json)

    def health():
        assert client.get(f"{BASE}/health").status_code == 200

    figures = {}
    for name, call in (("/health", health), ("autosave", autosave)):
        for _ in range(20):  # warm up: statement caches, prepared statements, templates
            call()
        statements[0], app_cpu[0] = 0, 0.0
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(requests):
            call()
        figures[name] = {
            "cpu": app_cpu[0] / requests,
            "with client": (time.process_time() - cpu) / requests,
            "wall": (time.perf_counter() - wall) / requests,
            "statements": statements[0] / requests,
        }
    profiler = cProfile.Profile(time.process_time)  # CPU, not the waits for PostgreSQL
    profiler.enable()
    for _ in range(profile_requests):
        autosave()
    profiler.disable()
    event.remove(engine, "before_cursor_execute", count)
    if run is not None:
        store._run = run
    figures["profile"] = pstats.Stats(profiler)
    return figures


PACKAGES = (
    ("selfcheck/core", "selfcheck.core (scoring)"),
    ("/fractions.py", "selfcheck.core (scoring)"),  # its exact arithmetic
    ("selfcheck/", "selfcheck (views, store)"),
    ("site-packages/sqlalchemy", "SQLAlchemy"),
    ("site-packages/psycopg", "psycopg"),
    ("site-packages/flask_login", "Flask-Login"),
    ("site-packages/flask_wtf", "Flask-WTF (CSRF)"),
    ("site-packages/wtforms", "WTForms"),
    ("site-packages/flask_limiter", "Flask-Limiter"),
    ("site-packages/limits", "Flask-Limiter"),
    ("site-packages/redis", "redis"),
    ("site-packages/itsdangerous", "itsdangerous (session)"),
    ("site-packages/werkzeug", "Werkzeug"),
    ("site-packages/flask", "Flask"),
    ("site-packages/jinja2", "Jinja2"),
    ("/json/", "json"),
)


def profile_summary(stats: pstats.Stats, requests: int, top: int) -> list[str]:
    """Own time per request summed by package, and the functions with the most own time."""
    by_package: collections.Counter[str] = collections.Counter()
    functions = []
    for (path, line, name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        package = next((label for part, label in PACKAGES if part in path), "other (stdlib, builtins)")
        by_package[package] += own
        functions.append((own, f"{Path(path).name}:{line} {name}" if line else name))
    lines = ["  own time per autosave by package:"]
    lines += [f"    {label:<28}{seconds / requests * 1000:>7.2f} ms" for label, seconds in by_package.most_common()]
    lines.append(f"  the {top} functions with the most own time (per autosave):")
    for own, where in sorted(functions, reverse=True)[:top]:
        lines.append(f"    {own / requests * 1000:>6.3f} ms  {where}")
    return lines


# --- under gunicorn ----------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        except OSError:  # gone
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def postgres_pids(database: str | None = None) -> list[int]:
    """PostgreSQL's processes: its background ones, and the backends serving `database` (all of
    them without one). Other databases' backends are left out: the machine is shared."""
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() != "postgres":
                continue
            title = (comm.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # a backend's title: "postgres: 15/main: user database [local] idle"
        words = title.split(": ", 2)[-1].split()
        backend = len(words) >= 3 and (words[2] == "[local]" or "(" in words[2])
        if database is None or not backend or words[1] == database:
            found.append(int(comm.parent.name))
    return found


def database_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int, log: Path, threads: int = 1) -> subprocess.Popen:
    """gunicorn as in production; the app's log (a JSON line per request, as in production) goes to `log`."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--backlog",
            "4096",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "selfcheck:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start:\n" + log.read_text()[-3000:]) from None
            time.sleep(0.1)
    raise SystemExit("gunicorn did not answer")


PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.10"}


async def log_in(client: Client, email: str) -> None:
    token = csrf_token((await client.get("/inloggen")).text)
    reply = await client.post("/inloggen", {"csrf_token": token, "email": email, "password": PASSWORD})
    if reply.status != 302:
        raise SystemExit(f"log-in of {email} answered {reply.status}")


async def under_gunicorn(port: int, server_pid: int, check_id: int, requests: int, database: str) -> dict:
    client = Client("127.0.0.1", port, PROXY_HEADERS)
    await log_in(client, user_email(0))
    step = f"/checks/{check_id}/stap/2"
    page = Page((await client.get(step)).text)
    editor = Editor(page, seed=2)
    headers = {"Accept": "application/json"}

    async def autosave():
        reply = await client.post(page.autosave_url, editor.next_form(), referer=step, headers=headers)
        assert reply.status == 200 and reply.json()["saved"], (reply.status, reply.text[:300])
        page.take(reply.json())

    async def health():
        assert (await client.get("/health")).status == 200

    workers = children(server_pid)
    figures = {}
    for name, call in (("/health", health), ("autosave", autosave)):
        for _ in range(20):
            await call()
        app_before, db_before = cpu_seconds(workers), cpu_seconds(postgres_pids(database))
        wall = time.perf_counter()
        for _ in range(requests):
            await call()
        figures[name] = {
            "cpu": (cpu_seconds(workers) - app_before) / requests,
            "database": (cpu_seconds(postgres_pids(database)) - db_before) / requests,
            "wall": (time.perf_counter() - wall) / requests,
        }
    await client.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="of each kind, in-process and under gunicorn")
    parser.add_argument("--profile", type=int, default=200, help="autosaves profiled in-process")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the server started here is stopped too

    folder = Path(tempfile.mkdtemp(prefix="bench-autosave-"))
    env = environment(folder, default_database("selfcheck_bench_autosave"))
    os.environ.update(env)
    check_id = populate({**os.environ, **env}, users=1, advisers=0)["checks"][0]
    from selfcheck import create_app

    app = create_app()
    try:
        # The app logs a line per request, as in production: to a file, like gunicorn's below.
        with (folder / "in-process.log").open("w") as log, contextlib.redirect_stderr(log):
            local = in_process(app, check_id, args.requests, args.profile)
        with app.app_context():
            from selfcheck.extensions import db

            db.engine.dispose()
        port = free_port()
        server = start_gunicorn({**os.environ, **env}, port, workers=1, log=folder / "gunicorn.log")
        try:
            served = asyncio.run(
                under_gunicorn(port, server.pid, check_id, args.requests, database_name(env["DATABASE_URL"]))
            )
        finally:
            server.terminate()
            server.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    health, save = local["/health"], local["autosave"]
    print("autosave (one changed answer, JSON reply) beside GET /health; PostgreSQL, production settings")
    print(f"in-process, Flask test client, {args.requests} requests each (CPU of this process: app and driver)")
    print(f"  {'':<12}{'app CPU ms':>11}{'+ client ms':>12}{'wall ms':>9}{'SQL':>6}")
    for name, figures in (("/health", health), ("autosave", save)):
        print(
            f"  {name:<12}{figures['cpu'] * 1000:>11.2f}{figures['with client'] * 1000:>12.2f}"
            f"{figures['wall'] * 1000:>9.2f}{figures['statements']:>6.1f}"
        )
    ratio_local = save["cpu"] / health["cpu"]
    print(f"  autosave / health: {ratio_local:.1f}x CPU")
    if args.profile:  # --profile 0: no profile to summarise
        print("\n".join(profile_summary(local["profile"], args.profile, args.top)))
    health, save = served["/health"], served["autosave"]
    print(f"under gunicorn, 1 sync worker, {args.requests} requests each, one at a time (worker CPU from /proc)")
    print(f"  {'':<12}{'app CPU ms':>11}{'PostgreSQL ms':>15}{'wall ms':>9}")
    for name, figures in (("/health", health), ("autosave", save)):
        print(
            f"  {name:<12}{figures['cpu'] * 1000:>11.2f}{figures['database'] * 1000:>15.2f}{figures['wall'] * 1000:>9.2f}"
        )
    ratio_served = save["cpu"] / health["cpu"]
    print(f"  autosave / health: {ratio_served:.1f}x app CPU")
    print(
        f"target: autosave <= {TARGET}x /health in app CPU -> in-process "
        f"{'ok' if ratio_local <= TARGET else 'ABOVE'} ({ratio_local:.1f}x), under gunicorn "
        f"{'ok' if ratio_served <= TARGET else 'ABOVE'} ({ratio_served:.1f}x)"
    )


if __name__ == "__main__":
    main()
