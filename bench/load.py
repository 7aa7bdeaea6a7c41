"""Load test: people filling in their check at a human pace, stepped up from 100 to 1500 at once.

Each simulated beleidsmedewerker fills in their own gemeente's check as a person does with the
browser (static/js/check.js): open a domain page, read, pick an answer every few seconds (random
think time) which check.js autosaves at once, now and then type a comment (autosaved after the
typing), "Volgende" after the last question of the page, and after the last domain the overview,
sometimes the results and sometimes the PDF report. A few advisers open their overview and now
and then export it. The users' clicks are planned ahead (open loop): a slow reply does not slow
the clicking down, and, as check.js does, a save waits only for the save before it.

The app runs as in production behind a TLS proxy: gunicorn (cores + 1 sync workers), PostgreSQL,
Redis for the limits, Secure cookies (bench/client.py sends X-Forwarded-Proto). The database is
rebuilt with bench/population.py: every user's gemeente has submitted checks of 2024 and 2025 and
a draft 2026 pre-filled from 2025.

Users are added step by step (--users 100,250,500,1000,1500); the ones already there go on. At
the end of each step the clicking pauses until every request is answered, and the database is
checked: the audit trail holds one 'answers.saved' row per acknowledged save, and every answer
stands as its last acknowledged save left it (a difference is a lost save). Per step it prints
users, requests per second, p50/p95/p99, errors, acknowledged and stored saves, lost saves, and
where the two cores went (the load generator itself, gunicorn, PostgreSQL, Redis, anything else).
Last, wrk loads GET /health of the same server as its ceiling (when wrk is installed).

    .venv/bin/python -m bench.load [--users 100,250,500,1000,1500] [--seconds 40] [--ceiling-seconds 5]
    .venv/bin/python -m bench.load --users 4 --seconds 3 --ceiling-seconds 1     # the CI smoke run
    BENCH_DATABASE_URL=postgresql+psycopg://... chooses the database (it is dropped and rebuilt);
    BENCH_REDIS_URL the Redis database for the limits. Run it from the checkout's root.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.autosave import (
    children,
    cpu_seconds,
    database_name,
    default_database,
    environment,
    free_port,
    postgres_pids,
    start_gunicorn,
)
from bench.client import Client, HttpError, Page, csrf_token
from bench.population import PASSWORD, adviser_email, populate, user_email

DOMAINS = 5
TARGET_P95 = 0.3  # seconds

# What a person does, in seconds (uniform between the two).
THINK = (3.0, 10.0)  # reading a question and picking an answer
TYPING = (8.0, 25.0)  # typing a comment; check.js saves 1.5 s after the last key
COMMENT_SHARE = 0.25  # of the answers get a comment
READ_PAGE = (2.0, 6.0)  # before the first answer of a page, and before "Volgende"
RESULTS_SHARE = 0.5  # after the last domain: the results page
REPORT_SHARE = 0.1  # ... and the PDF report (rendered: the draft changed since the last one)
ADVISER_THINK = (10.0, 40.0)
EXPORT_SHARE = 0.2
PACE = 1.0  # --pace: every human time above times this (smaller: faster people, for a quick try)
PROGRESS_REFRESH = 2.0  # the report's "wordt gemaakt" page reloads itself this often


def human(rng: random.Random, span: tuple[float, float]) -> float:
    return rng.uniform(*span) * PACE


KINDS = (
    "GET stap",
    "POST autosave",
    "POST volgende",
    "GET overzicht",
    "GET resultaten",
    "GET rapport.pdf",
    "GET wordt-gemaakt",
    "GET adviseur",
    "GET export",
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    reasons: collections.Counter[str] = field(default_factory=collections.Counter)
    acknowledged: int = 0  # autosaves answered with saved: true (and page saves carrying a failed one's edits)
    report_waits: list[float] = field(default_factory=list)  # asking for a PDF until it came

    def all(self) -> list[float]:
        return [v for values in self.latencies.values() for v in values]


class Run:
    """What every simulated person shares: the clock, the pause between steps, the figures."""

    def __init__(self, port: int, rng: random.Random):
        self.port, self.rng = port, rng
        self.stats = Stats()
        self.running = asyncio.Event()
        self.in_flight = 0
        self.stop = False
        self.acknowledged: dict[tuple[int, str], tuple[str | None, str]] = {}  # (check, question) -> answer

    def client(self, index: int) -> Client:
        # One documentation address (RFC 5737) per person as the proxy reports it; only a header.
        address = f"{(192, 198, 203)[index % 3]}.{(0, 51, 0)[index % 3]}.{(2, 100, 113)[index % 3]}.{index % 250 + 1}"
        # A browser waits minutes for a reply (fetch has no timeout of its own): so does this client.
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": address}
        return Client("127.0.0.1", self.port, headers, timeout=120)

    async def until(self, moment: float) -> float:
        """Wait for a planned moment. A pause between measurements (while the database is counted)
        shifts the plan by its length, so the pace goes on as it was."""
        delay = moment - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        shift = 0.0
        while not self.running.is_set():
            paused = time.perf_counter()
            await self.running.wait()
            shift += time.perf_counter() - paused
        return max(moment + shift, time.perf_counter())

    async def send(self, kind: str, call, ok) -> object | None:
        """One request, counted in the measurement it started in. None when it failed."""
        stats = self.stats
        self.in_flight += 1
        try:
            reply = await call
        except HttpError as error:
            stats.errors[kind] += 1
            stats.reasons[f"{kind}: {error}"] += 1
            return None
        finally:
            self.in_flight -= 1
        stats.latencies[kind].append(reply.seconds)
        if not ok(reply):
            stats.errors[kind] += 1
            stats.reasons[f"{kind}: HTTP {reply.status}"] += 1
            return None
        if kind == "POST autosave":
            stats.acknowledged += 1
        return reply

    async def quiet(self) -> None:
        """Stop the clicking and wait until every request under way is answered."""
        self.running.clear()
        while self.in_flight:
            await asyncio.sleep(0.02)


def _saved(reply) -> bool:
    return reply.status == 200 and reply.json().get("saved") is True


def _status(code: int):
    return lambda reply: reply.status == code


async def log_in(client: Client, email: str) -> bool:
    """Log in (three tries: a saturated server may time out); False when it did not work."""
    for _ in range(3):
        try:
            token = csrf_token((await client.get("/inloggen")).text)
            reply = await client.post("/inloggen", {"csrf_token": token, "email": email, "password": PASSWORD})
        except HttpError:
            continue
        if reply.status == 302:
            return True
    return False


async def autosave(run: Run, client: Client, page: Page, url: str, check_id: int) -> bool:
    """check.js's save of the page as it stands; on success the page builds on the reply."""
    reply = await run.send(
        "POST autosave",
        client.post(page.autosave_url, dict(page.fields), referer=url, headers={"Accept": "application/json"}),
        _saved,
    )
    if reply is None:
        return False
    data = reply.json()
    page.take(data)
    for qid, answer in data["answers"].items():  # what the server says it now holds
        run.acknowledged[check_id, qid] = (answer["value"], answer["comment"])
    return True


async def person(run: Run, client: Client, index: int, check_id: int) -> None:
    """A beleidsmedewerker going through their check, domain after domain, round after round."""
    rng = random.Random(index)
    step = rng.randint(1, DOMAINS)
    moment = await run.until(time.perf_counter() + human(rng, (0, THINK[1])))  # people do not start at once
    url = f"/checks/{check_id}/stap/{step}"
    while not run.stop:
        reply = await run.send("GET stap", client.get(url), _status(200))
        if reply is None:
            moment = await run.until(time.perf_counter() + human(rng, THINK))
            continue
        page, pending = Page(reply.text), False
        moment = time.perf_counter() + human(rng, READ_PAGE)
        for name, options in page.options.items():
            edits = [name]
            if rng.random() < COMMENT_SHARE:
                edits.append("c" + name[1:])
            for position, edit in enumerate(edits):
                moment = await run.until(moment + human(rng, THINK if position == 0 else TYPING))
                if edit.startswith("q_"):
                    page.fields[edit] = rng.choice([v for v in options if v != page.fields.get(edit)])
                else:
                    page.fields[edit] = f"Toelichting {rng.randint(1, 10**9)}"
                if await autosave(run, client, page, url, check_id):
                    pending = False
                    continue
                # "Niet opgeslagen": the person reloads the page, and check.js puts the unsaved
                # input back (it keeps it in localStorage) and saves it on the fresh page.
                unsaved = {k: page.fields[k] for k in (name, "c" + name[1:]) if k in page.fields}
                reply = await run.send("GET stap", client.get(url), _status(200))
                if reply is not None:
                    page = Page(reply.text)
                    page.fields.update(unsaved)
                    if await autosave(run, client, page, url, check_id):
                        pending = False
                        continue
                pending = True  # the page's button will carry it
        moment = await run.until(moment + human(rng, READ_PAGE))
        reply = await run.send("POST volgende", client.post(url, {**page.fields, "action": "next"}), _status(302))
        if reply is None:
            continue
        if pending:  # the page's button saved what the failed autosave did not: acknowledged too
            run.stats.acknowledged += 1
            for name in page.options:
                qid = name[2:]
                run.acknowledged[check_id, qid] = (page.fields.get(name), page.fields.get("c_" + qid, ""))
        url = reply.headers["location"].removeprefix(client.origin)
        if "/stap/" in url:
            continue
        # after the last domain: the overview, perhaps the results and the report, then round again
        await run.send("GET overzicht", client.get(url), _status(200))
        if rng.random() < RESULTS_SHARE:
            moment = await run.until(time.perf_counter() + human(rng, READ_PAGE))
            await run.send("GET resultaten", client.get(f"/checks/{check_id}/resultaten"), _status(200))
        if rng.random() < REPORT_SHARE:
            moment = await run.until(time.perf_counter() + human(rng, READ_PAGE))
            await download(run, client, f"/checks/{check_id}/rapport.pdf")
        moment = await run.until(time.perf_counter() + human(rng, READ_PAGE))
        url = f"/checks/{check_id}/stap/1"


async def download(run: Run, client: Client, url: str) -> None:
    """The PDF report: at once from the cache, or after the page that follows its render (303),
    reloading itself every few seconds as the browser does, until the file comes."""
    started = time.perf_counter()
    for _ in range(60):
        reply = await run.send("GET rapport.pdf", client.get(url), lambda r: r.status in (200, 303))
        if reply is None or reply.status == 200:
            break
        progress = reply.headers["location"].removeprefix(client.origin)
        await run.send("GET wordt-gemaakt", client.get(progress), _status(200))
        await asyncio.sleep(PROGRESS_REFRESH)
    else:
        return
    if reply is not None:
        run.stats.report_waits.append(time.perf_counter() - started)


async def adviser(run: Run, client: Client, index: int) -> None:
    rng = random.Random(-index - 1)
    moment = await run.until(time.perf_counter() + human(rng, ADVISER_THINK))
    while not run.stop:
        await run.send("GET adviseur", client.get("/adviseur/"), _status(200))
        if rng.random() < EXPORT_SHARE:
            moment = await run.until(moment + human(rng, READ_PAGE))
            kind = rng.choice(("csv", "xlsx"))
            await run.send("GET export", client.get(f"/adviseur/export.{kind}"), _status(200))
        moment = await run.until(moment + human(rng, ADVISER_THINK))


# --- the state of the database, read by the generator itself (psycopg, no app) ---------------


def libpq_url(database: str) -> str:
    return database.replace("postgresql+psycopg://", "postgresql://", 1)


def stored_saves(connection) -> int:
    return connection.execute("SELECT count(*) FROM audit_event WHERE action = 'answers.saved'").fetchone()[0]


def lost_saves(connection, acknowledged: dict[tuple[int, str], tuple[str | None, str]]) -> int:
    """Acknowledged answers the database does not hold as they were acknowledged."""
    if not acknowledged:
        return 0
    checks = sorted({check for check, _ in acknowledged})
    rows = connection.execute(
        "SELECT r.assessment_id, a.question_id, a.value, a.comment FROM answer a "
        "JOIN response r ON r.id = a.response_id "
        "WHERE r.assessment_id = ANY(%s) AND r.respondent_id IS NULL AND r.perspective IS NULL",
        (checks,),
    ).fetchall()
    stored = {(check, qid): (value, comment) for check, qid, value, comment in rows}
    return sum(1 for key, answer in acknowledged.items() if stored.get(key) != answer)


# --- where the CPU went ------------------------------------------------------------------------


def busy_seconds() -> tuple[float, float]:
    """The machine's busy and total CPU seconds so far, over all cores (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / ticks, sum(fields[:8]) / ticks


def pids_named(name: str) -> list[int]:
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                found.append(int(comm.parent.name))
        except OSError:
            pass
    return found


def cpu_now(server_pid: int, database: str) -> dict[str, float]:
    busy, total = busy_seconds()
    return {
        "generator": time.process_time(),
        "gunicorn": cpu_seconds([server_pid, *children(server_pid)]),
        "PostgreSQL": cpu_seconds(postgres_pids(database)),
        "Redis": cpu_seconds(pids_named("redis-server")),
        "busy": busy,
        "total": total,
    }


def cpu_split(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Each part's share of the machine's cores during the step; 'other' is everything else that ran."""
    cores = os.cpu_count() or 1
    used = {name: (after[name] - before[name]) / seconds / cores for name in before}
    parts = {name: used[name] for name in ("generator", "gunicorn", "PostgreSQL", "Redis")}
    parts["other"] = max(0.0, used["busy"] - sum(parts.values()))
    parts["idle"] = max(0.0, 1 - used["busy"])
    return parts


WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(95)))
end
"""


def wrk_ceiling(url: str, seconds: float) -> tuple[float, float, int]:
    """GET url with wrk (16 connections): requests per second, p95 in seconds, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        out = subprocess.run(
            ["wrk", "-t1", "-c16", f"-d{max(1, round(seconds))}s", "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    requests, duration, errors, p95 = map(int, re.search(r"RESULT (.+)", out).group(1).split())
    return requests / (duration / 1e6), p95 / 1e6, errors


def app_warnings(log: str) -> collections.Counter[str]:
    """The app's own WARNING and ERROR log lines (JSON, as in production), by message."""
    found: collections.Counter[str] = collections.Counter()
    for line in log.splitlines():
        if line.startswith("{") and ('"level": "WARNING"' in line or '"level": "ERROR"' in line):
            try:
                message = json.loads(line)["message"]
            except (ValueError, KeyError):
                continue
            if not message.startswith("MAIL_SERVER is not set"):  # the bench sends no mail
                found[re.sub(r"\d+", "N", message)[:120]] += 1
    return found


# --- the run -----------------------------------------------------------------------------------


@dataclass
class StepResult:
    users: int
    advisers: int
    seconds: float
    stats: Stats
    stored: int
    lost: int
    cpu: dict[str, float]


async def drive(args, port: int, server_pid: int, checks: list[int], database: str) -> list[StepResult]:
    import psycopg

    run = Run(port, random.Random(7))
    name = database_name(database)
    tasks, results = [], []
    users = advisers = refused = 0
    with psycopg.connect(libpq_url(database), autocommit=True) as connection:
        for target in args.users:
            # New people log in (a few at a time, as they would arrive) while the others go on;
            # then a warm-up, since the newcomers start within the first seconds, and the measurement.
            run.stats = Stats()  # not counted
            run.running.set()
            wanted_advisers = max(1, target // 250) if args.advisers is None else args.advisers
            newcomers = [(i, user_email(i)) for i in range(users, target)]
            newcomers += [(-1 - i, adviser_email(i)) for i in range(advisers, wanted_advisers)]
            for start in range(0, len(newcomers), 20):
                batch = [(i, email, run.client(i)) for i, email in newcomers[start : start + 20]]
                logged_in = await asyncio.gather(*(log_in(client, email) for _, email, client in batch))
                for (i, _, client), ok in zip(batch, logged_in, strict=True):
                    if not ok:
                        refused += 1
                        continue
                    task = person(run, client, i, checks[i]) if i >= 0 else adviser(run, client, -1 - i)
                    tasks.append(asyncio.create_task(task))
            users, advisers = target, max(advisers, wanted_advisers)
            await asyncio.sleep(args.warmup)
            await run.quiet()
            stored_before, run.stats = stored_saves(connection), Stats()
            cpu_before, start = cpu_now(server_pid, name), time.perf_counter()
            run.running.set()
            await asyncio.sleep(args.seconds)
            await run.quiet()
            elapsed = time.perf_counter() - start
            cpu = cpu_split(cpu_before, cpu_now(server_pid, name), elapsed)
            stored = stored_saves(connection) - stored_before
            lost = lost_saves(connection, run.acknowledged)
            if refused:
                run.stats.errors["log-in"] += refused
                run.stats.reasons[f"log-in failed {refused} times (those people stay away)"] += 1
                refused = 0
            results.append(StepResult(users, advisers, elapsed, run.stats, stored, lost, cpu))
            print_step(results[-1], header=len(results) == 1)
        run.stop = True
        run.running.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return results


def settle(database: str) -> None:
    """After building the database: vacuum and analyse it and write a checkpoint, so neither
    autovacuum nor a checkpoint of the build's writes (its fsyncs make every commit wait) falls
    into a measured step."""
    import psycopg

    with psycopg.connect(libpq_url(database), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        try:
            connection.execute("CHECKPOINT")
        except psycopg.Error as error:  # needs superuser or pg_checkpoint
            print(f"no CHECKPOINT before the run ({error}); a checkpoint may fall into a step")


def print_step(step: StepResult, header: bool) -> None:
    if header:
        print(
            f"{'users':>6}{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
            f"{'saves ack':>10}{'stored':>8}{'lost':>6}   CPU of 2 cores: generator / gunicorn / PostgreSQL / Redis / other / idle"
        )
    values = step.stats.all()
    errors = sum(step.stats.errors.values())
    cpu = " / ".join(f"{step.cpu[k]:.0%}" for k in ("generator", "gunicorn", "PostgreSQL", "Redis", "other", "idle"))
    print(
        f"{step.users:>6}{len(values) / step.seconds:>7.0f}{percentile(values, 50) * 1000:>8.0f}"
        f"{percentile(values, 95) * 1000:>8.0f}{percentile(values, 99) * 1000:>8.0f}{errors:>7}"
        f"{step.stats.acknowledged:>10}{step.stored:>8}{step.lost:>6}   {cpu}",
        flush=True,
    )


def print_kinds(results: list[StepResult]) -> None:
    print("p95 ms per kind of request (count), per step:")
    print(f"{'':<18}" + "".join(f"{r.users:>16}" for r in results))
    for kind in KINDS:
        cells = []
        for r in results:
            values = r.stats.latencies[kind]
            cells.append(f"{percentile(values, 95) * 1000:>9.0f} ({len(values):>4})" if values else f"{'-':>16}")
        print(f"{kind:<18}" + "".join(cells))
    cells = []
    for r in results:
        waits = r.stats.report_waits
        cells.append(f"{percentile(waits, 50):>8.1f} s ({len(waits):>3})" if waits else f"{'-':>16}")
    print(f"{'PDF, ask to file':<18}" + "".join(cells) + "   (median: from the click to the file)")


def main() -> None:
    global REPORT_SHARE, PACE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="100,250,500,1000,1500", help="people at once, per step")
    parser.add_argument("--advisers", type=int, default=None, help="default: one per 250 users, at least one")
    parser.add_argument("--seconds", type=float, default=40, help="measured per step")
    parser.add_argument("--warmup", type=float, default=THINK[1], help="per step, before the measurement")
    parser.add_argument("--ceiling-seconds", type=float, default=5, help="wrk on /health at the end (0: skip)")
    parser.add_argument("--report-share", type=float, default=REPORT_SHARE, help="of rounds ending in the PDF")
    parser.add_argument("--pace", type=float, default=PACE, help="times every human delay (1: as people)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="more than 1: gunicorn's gthread workers")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the server started here is stopped too
    args.users = sorted(int(n) for n in args.users.split(","))
    REPORT_SHARE, PACE = args.report_share, args.pace

    database = default_database("selfcheck_bench")
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = {**os.environ, **environment(folder, database)}
    started = time.perf_counter()
    checks = populate(
        env, users=args.users[-1], advisers=max(1, args.users[-1] // 250) if args.advisers is None else args.advisers
    )["checks"]
    print(
        f"gunicorn {args.workers} sync workers{f' x {args.threads} threads' if args.threads > 1 else ''}, "
        f"PostgreSQL, Redis, production settings; {len(checks)} gemeenten with checks of 2024-2026 "
        f"(built in {time.perf_counter() - started:.0f} s); {args.seconds:.0f} s per step"
    )
    print(
        f"each person: an answer every {THINK[0]:.0f}-{THINK[1]:.0f} s, a comment on {COMMENT_SHARE:.0%} "
        f"of them ({TYPING[0]:.0f}-{TYPING[1]:.0f} s typing), Volgende after each page; after the last page the "
        f"overview, {RESULTS_SHARE:.0%} the results, {REPORT_SHARE:.0%} the PDF report; advisers: their "
        f"overview every {ADVISER_THINK[0]:.0f}-{ADVISER_THINK[1]:.0f} s, {EXPORT_SHARE:.0%} of the time an export"
        + (f"; every time above x {PACE:g}" if PACE != 1 else "")
    )
    settle(database)
    port = free_port()
    server = start_gunicorn(env, port, args.workers, folder / "gunicorn.log", args.threads)
    try:
        results = asyncio.run(drive(args, port, server.pid, checks, database))
        ceiling = (
            wrk_ceiling(f"http://127.0.0.1:{port}/health", args.ceiling_seconds)
            if args.ceiling_seconds and shutil.which("wrk")
            else None
        )
    finally:
        server.terminate()
        server.wait()
        log = (folder / "gunicorn.log").read_text()
        shutil.rmtree(folder, ignore_errors=True)
    if "Traceback" in log:
        print("the app logged errors:\n" + log[log.index("Traceback") :][:3000], file=sys.stderr)
    warnings = app_warnings(log)
    if warnings:
        print("the app's warnings and errors: " + "; ".join(f"{m} x{n}" for m, n in warnings.most_common(8)))
    print_kinds(results)
    for r in results:
        if r.stats.reasons:
            print(f"errors at {r.users} users: " + "; ".join(f"{k} x{n}" for k, n in r.stats.reasons.most_common()))
    if ceiling:
        rate, p95, errors = ceiling
        print(
            f"ceiling: GET /health by wrk, 16 connections: {rate:.0f} req/s, p95 {p95 * 1000:.0f} ms, {errors} errors"
        )
    good = [
        r.users
        for r in results
        if percentile(r.stats.all(), 95) < TARGET_P95
        and not r.stats.errors
        and not r.lost
        and r.stored == r.stats.acknowledged
    ]
    print(
        f"most users at p95 < {TARGET_P95 * 1000:.0f} ms with 0 errors and 0 lost saves: "
        + (str(max(good)) if good else "none of the steps")
        + f"; goal 1000 -> {'ok' if good and max(good) >= 1000 else 'not reached'}"
    )


if __name__ == "__main__":
    main()
