"""Load test: 50 users filling in and saving the check at once, against gunicorn with PostgreSQL.

Each simulated user logs in as the beleidsmedewerker of their own gemeente and, for the whole
run and without pauses, does what the browser does on the check (static/js/check.js): open a
domain page, pick a different answer to each question and autosave it, type a comment for
about half of them and autosave that too, then post the page with "Volgende" and go on to the
next domain. Every autosave changes an answer; afterwards the audit trail is counted to show
that every acknowledged save was stored. In the same run, the same number of concurrent
clients hammer GET /health of the same server: the ceiling. Prints requests per second,
p50/p95 latency and errors side by side.
Targets: no errors, p95 under 300 ms, saves per second at least 30% of the ceiling.

Load generator and server share this machine's cores, so it also prints where the CPU went
during the users' minute (load generator, gunicorn, PostgreSQL, per user request), and, when
wrk is installed, the ceiling once more as wrk (a client in C, nearly free) measures it: the
server's own ceiling, with the Python client's cost taken out.

    .venv/bin/python -m bench.load [--users 50] [--seconds 60] [--ceiling-seconds 20] [--workers N] [--threads N]
    BENCH_DATABASE_URL=postgresql+psycopg://... overrides the database (it is emptied and rebuilt).
    Run it from the checkout's root.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import getpass
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

# The app's processes run in the checkout's root, which `python -c` and gunicorn put first on sys.path.
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-wachtwoord-123"

SETUP = r"""
import os
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
url = make_url(os.environ["DATABASE_URL"])
admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with admin.connect() as c:
    c.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    c.execute(text(f'CREATE DATABASE "{url.database}"'))
admin.dispose()
from flask_migrate import upgrade
from selfcheck import create_app
from selfcheck.check.operations import start_assessment
from selfcheck.extensions import db
from selfcheck.models import Gemeente, User
from werkzeug.security import generate_password_hash
app = create_app()
with app.app_context():
    upgrade()
    password = generate_password_hash(os.environ["PASSWORD"])
    store = app.extensions["questionnaire_store"]
    for i in range(int(os.environ["USERS"])):
        gemeente = Gemeente(code=f"GM{9000 + i}", name=f"Loadtest {i}")
        user = User(email=f"user{i}@load.example", name=f"Gebruiker {i}", role="beleidsmedewerker",
                    gemeente=gemeente, password_hash=password)
        db.session.add_all([gemeente, user]); db.session.flush()
        start_assessment(store, gemeente, 2026, user, prefill=False)
    db.session.commit()
    print(",".join(str(a.id) for a in __import__("selfcheck.models", fromlist=["Assessment"]).Assessment.query.order_by("gemeente_id")))
"""

INPUT = re.compile(r"<input\b[^>]*>")
TEXTAREA = re.compile(r'<textarea\b[^>]*\bname="([^"]+)"[^>]*>([^<]*)</textarea>')
ATTRIBUTE = re.compile(r'\b(name|value|type)="([^"]*)"')
AUTOSAVE = re.compile(r'data-autosave="([^"]+)"')


COUNT_SAVES = """
from selfcheck import create_app
from selfcheck.models import AuditEvent
with create_app().app_context():
    print(AuditEvent.query.filter_by(action="answers.saved").count())
"""


def count_saves(env: dict) -> int:
    """Saves that really wrote: each leaves one audit event."""
    out = subprocess.run(
        [sys.executable, "-c", COUNT_SAVES], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


class Page:
    """The check form of a domain page as the browser holds it: every field's current value, and
    where check.js sends its autosaves (the form's data-autosave)."""

    def __init__(self, html: str):
        form = html[html.index("data-autosave") :]  # the check form, after the header's log-out form
        self.autosave_url = AUTOSAVE.search(html).group(1)
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        for tag in INPUT.findall(form):
            attributes = dict(ATTRIBUTE.findall(tag))
            name, value = attributes.get("name"), attributes.get("value", "")
            if attributes.get("type") == "radio":
                self.options.setdefault(name, []).append(value)
                if " checked" in tag:
                    self.fields[name] = value
            elif attributes.get("type") == "hidden":
                self.fields[name] = value
        self.fields.update((name, text) for name, text in TEXTAREA.findall(form))


USER_KINDS = ("GET stap", "POST autosave", "POST volgende")
STATS = (*USER_KINDS, "GET /health")


class Stats:
    def __init__(self):
        self.latencies: dict[str, list[float]] = {kind: [] for kind in STATS}
        self.errors: dict[str, int] = dict.fromkeys(STATS, 0)
        self.reasons: collections.Counter[str] = collections.Counter()  # what the errors were

    async def timed(self, kind: str, call, ok) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = await call
        except httpx.HTTPError as error:
            self.errors[kind] += 1
            self.reasons[f"{kind}: {type(error).__name__}"] += 1
            return None
        self.latencies[kind].append(time.perf_counter() - start)
        if not ok(response):
            self.errors[kind] += 1
            self.reasons[f"{kind}: HTTP {response.status_code}"] += 1
            return None
        return response


def saved(response: httpx.Response) -> bool:
    return response.status_code == 200 and response.json().get("saved") is True


async def log_in(client: httpx.AsyncClient, index: int) -> None:
    page = (await client.get("/inloggen")).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = await client.post(
        "/inloggen", data={"csrf_token": token, "email": f"user{index}@load.example", "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code


async def user_session(
    client: httpx.AsyncClient, index: int, assessment_id: int, deadline: float, stats: Stats
) -> None:
    """One beleidsmedewerker doing what check.js does: open a page, autosave each answer as it is
    picked (and about half the comments as they are typed), then go on to the next page."""
    step = 1
    rng = random.Random(index)
    while time.perf_counter() < deadline:
        url = f"/checks/{assessment_id}/stap/{step}"
        response = await stats.timed("GET stap", client.get(url), lambda r: r.status_code == 200)
        if response is None:
            continue
        page = Page(response.text)
        for name, values in page.options.items():
            edits = [(name, rng.choice([v for v in values if v != page.fields.get(name)]))]
            if rng.random() < 0.5:
                edits.append(("c" + name[1:], f"Toelichting {rng.randint(1, 10**6)}"))
            for field, value in edits:  # every autosave really changes an answer
                page.fields[field] = value
                response = await stats.timed(
                    "POST autosave", client.post(page.autosave_url, data=dict(page.fields)), saved
                )
                if response is not None:  # build on this save, as check.js does
                    data = response.json()
                    page.fields.update(data["originals"], version=str(data["version"]))
        await stats.timed(
            "POST volgende", client.post(url, data={**page.fields, "action": "next"}), lambda r: r.status_code == 302
        )
        step = step % 5 + 1


async def ceiling_session(base: str, deadline: float, stats: Stats) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.perf_counter() < deadline:
            await stats.timed("GET /health", client.get("/health"), lambda r: r.status_code == 200)


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


def cpu_use(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the load generator, gunicorn (master and workers) and PostgreSQL."""
    workers = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    postgres = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                postgres.append(int(comm.parent.name))
        except OSError:  # gone
            pass
    return {
        "load generator": time.process_time(),
        "gunicorn": cpu_seconds([server_pid, *map(int, workers)]),
        "PostgreSQL": cpu_seconds(postgres),
    }


WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50), latency:percentile(95)))
end
"""


def wrk_ceiling(url: str, connections: int, seconds: float) -> tuple[int, float, float, float, int]:
    """GET url with wrk: requests, requests per second, p50 and p95 in seconds, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds:.0f}s", "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    requests, duration, errors, p50, p95 = map(int, re.search(r"RESULT (.+)", out).group(1).split())
    return requests, requests / (duration / 1e6), p50 / 1e6, p95 / 1e6, errors


async def run(
    base: str, users: int, assessment_ids: list[int], seconds: float, ceiling_seconds: float, server_pid: int
):
    stats = Stats()
    clients = [httpx.AsyncClient(base_url=base, timeout=30) for _ in range(users)]
    # Logging in (a deliberately slow password hash) is not what is measured: all first, then the clock.
    await asyncio.gather(*(log_in(client, i) for i, client in enumerate(clients)))
    cpu_before = cpu_use(server_pid)
    start = time.perf_counter()
    await asyncio.gather(
        *(user_session(client, i, assessment_ids[i], start + seconds, stats) for i, client in enumerate(clients))
    )
    user_elapsed = time.perf_counter() - start
    cpu = {name: used - cpu_before[name] for name, used in cpu_use(server_pid).items()}
    for client in clients:
        await client.aclose()
    start = time.perf_counter()
    await asyncio.gather(*(ceiling_session(base, start + ceiling_seconds, stats) for _ in range(users)))
    return stats, user_elapsed, time.perf_counter() - start, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ceiling-seconds", type=float, default=20)
    # As the README advises for production: one per core, plus one to cover the database round trips.
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="more than 1: gunicorn's gthread workers")
    args = parser.parse_args()

    database = os.environ.get(
        "BENCH_DATABASE_URL", f"postgresql+psycopg://{getpass.getuser()}@/selfcheck_bench?host=/var/run/postgresql"
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "bench",
        "SELFCHECK_ENV": "development",
        "SELFCHECK_INSTANCE": str(folder),
        "USERS": str(args.users),
        "PASSWORD": PASSWORD,
    }
    out = subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    assessment_ids = [int(x) for x in out.stdout.strip().splitlines()[-1].split(",")]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(args.workers),
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "selfcheck:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/health")
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        stats, user_elapsed, ceiling_elapsed, cpu = asyncio.run(
            run(base, args.users, assessment_ids, args.seconds, args.ceiling_seconds, server.pid)
        )
        server_ceiling = (
            wrk_ceiling(base + "/health", args.users, args.ceiling_seconds) if shutil.which("wrk") else None
        )
        stored_saves = count_saves(env)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"gunicorn {args.workers} workers × {args.threads} threads, PostgreSQL; {args.users} users for {args.seconds:.0f} s, "
        f"then {args.users} clients on /health for {args.ceiling_seconds:.0f} s"
    )
    print(f"{'requests':<16}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    rates = {}
    for kind, values in stats.latencies.items():
        elapsed = ceiling_elapsed if kind == "GET /health" else user_elapsed
        rates[kind] = len(values) / elapsed
        print(
            f"{kind:<16}{len(values):>8}{rates[kind]:>9.0f}{percentile(values, 50) * 1000:>9.0f}"
            f"{percentile(values, 95) * 1000:>9.0f}{stats.errors[kind]:>8}"
        )
    if server_ceiling:
        count, rate, p50, p95, wrk_errors = server_ceiling
        print(f"{'/health by wrk':<16}{count:>8}{rate:>9.0f}{p50 * 1000:>9.0f}{p95 * 1000:>9.0f}{wrk_errors:>8}")
    user_latencies = [v for kind in USER_KINDS for v in stats.latencies[kind]]
    print(
        f"{'all user requests':<16}{len(user_latencies):>8}{len(user_latencies) / user_elapsed:>9.0f}"
        f"{percentile(user_latencies, 50) * 1000:>9.0f}{percentile(user_latencies, 95) * 1000:>9.0f}"
    )
    cores = os.cpu_count() or 1
    print(
        f"CPU per user request during the users' run ({cores} cores): "
        + ", ".join(
            f"{name} {used / len(user_latencies) * 1000:.1f} ms ({used / user_elapsed / cores:.0%})"
            for name, used in cpu.items()
        )
    )
    acknowledged = len(stats.latencies["POST autosave"]) - stats.errors["POST autosave"]
    print(
        f"acknowledged saves {acknowledged}, saves in the audit trail {stored_saves} "
        f"({'every one stored' if stored_saves == acknowledged else 'MISMATCH'})"
    )
    ratio = rates["POST autosave"] / rates["GET /health"]
    worst_p95 = max(percentile(stats.latencies[k], 95) for k in USER_KINDS) * 1000
    errors = sum(stats.errors.values())
    if errors:
        print("errors: " + "; ".join(f"{reason} ×{n}" for reason, n in stats.reasons.most_common()))
    print(
        f"saves per second / ceiling: {ratio:.0%}"
        + (
            f" (/ the server's own ceiling by wrk: {rates['POST autosave'] / server_ceiling[1]:.0%})"
            if server_ceiling
            else ""
        )
    )
    print(
        f"targets: errors 0 -> {'ok' if errors == 0 else 'FAILED'}; p95 < 300 ms -> "
        f"{'ok' if worst_p95 < 300 else 'FAILED'} ({worst_p95:.0f} ms, the slowest kind); "
        f"saves >= 30% of ceiling -> {'ok' if ratio >= 0.3 else 'FAILED'}"
    )


if __name__ == "__main__":
    main()
