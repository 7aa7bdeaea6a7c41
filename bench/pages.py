"""Throughput of a domain page (GET, and a POST that saves) against a minimal endpoint of the same app.

Runs the app under gunicorn on 127.0.0.1 with demo data in a throw-away SQLite database and
loads it with wrk (Debian package 'wrk'). The POST is the browser's autosave: every wrk thread
edits its own draft check and takes the new version from each reply, so every request writes
(the audit trail count is printed as proof). Prints requests per second side by side and the
ratio to the ceiling. Target: a domain page at least 20% of the ceiling.

    .venv/bin/python -m bench.pages [--seconds 5] [--connections 8] [--workers 2]   # from the checkout's root
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

# The app's processes run in the checkout's root, which `python -c` and gunicorn put first on sys.path.
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONNECTIONS_MAX = 16


def prepare_database(env: dict) -> list[int]:
    """Migrate a fresh database with the demo data and enough draft checks of Breda for every
    wrk connection to edit its own one; return their ids."""
    code = (
        "from flask_migrate import upgrade\n"
        "from selfcheck import create_app\n"
        "from selfcheck.check.operations import start_assessment\n"
        "from selfcheck.demo import load_demo_data\n"
        "from selfcheck.extensions import db\n"
        "from selfcheck.models import Assessment, Gemeente, User\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    upgrade(); store = app.extensions['questionnaire_store']; load_demo_data(store)\n"
        "    breda = Gemeente.query.filter_by(code='GM0758').one()\n"
        "    user = User.query.filter_by(email='beleid@breda.example').one()\n"
        f"    for year in range(2026 - {CONNECTIONS_MAX}, 2025): start_assessment(store, breda, year, user, False)\n"
        "    db.session.commit()\n"
        "    print(','.join(str(a.id) for a in Assessment.query.filter_by(gemeente_id=breda.id, status='concept')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return [int(x) for x in out.stdout.strip().splitlines()[-1].split(",")]


def count_saves(env: dict, assessment_ids: list[int]) -> int:
    """How many saves really wrote: one audit event each."""
    code = (
        "from selfcheck import create_app\nfrom selfcheck.models import AuditEvent\napp = create_app()\n"
        "with app.app_context(): print(AuditEvent.query.filter_by(action='answers.saved').count())"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def login(base: str) -> tuple[str, urllib.request.OpenerDirector]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/inloggen").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrf_token": token, "email": "beleid@breda.example", "password": "demo-wachtwoord"}
    ).encode()
    opener.open(base + "/inloggen", body)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, opener


def wrk(url: str, seconds: int, connections: int, cookie: str, script: Path | None = None) -> float:
    threads = connections if script else 1  # the save script gives every thread its own check
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"errors while loading {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def post_script(folder: Path, opener, base: str, assessment_ids: list[int]) -> tuple[Path, int]:
    """A wrk script in which each thread (one connection) autosaves its own draft check, alternating
    two sets of answers. Like the browser, it takes the new version and answer fingerprints from
    each JSON reply, so every save really writes and none conflicts."""
    threads = []
    for assessment_id in assessment_ids:
        page = opener.open(f"{base}/checks/{assessment_id}/stap/1").read().decode()
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
        hidden["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        options = {}
        for name, value in re.findall(r'name="(q_[a-z0-9_]+)" id="[^"]+" value="([^"]+)"', page):
            options.setdefault(name, []).append(value)
        questions = [(q, v[1], v[2]) for q, v in options.items()]
        autosave_url = re.search(r'data-autosave="([^"]+)"', page).group(1)  # where check.js posts
        threads.append((autosave_url, hidden, questions))
    lua = [
        "threads = {}",
        "local counter = 0",
        "function setup(thread) counter = counter + 1; thread:set('index', counter) end",
        "wrk.method = 'POST'",
        "wrk.headers['Content-Type'] = 'application/x-www-form-urlencoded'",
        "wrk.headers['Accept'] = 'application/json'",
        "local all = {",
    ]
    for path, hidden, questions in threads:
        fields = ", ".join(f"['{k}'] = '{v}'" for k, v in hidden.items())
        names = ", ".join(f"{{'{q}', '{a}', '{b}'}}" for q, a, b in questions)
        lua.append(f"  {{path = '{path}', fields = {{{fields}}}, questions = {{{names}}}}},")
    lua += [
        "}",
        """
local n = 0
local mine
function init(args) mine = all[index] end
local function encode(t)
  local parts = {}
  for k, v in pairs(t) do
    parts[#parts + 1] = k .. '=' .. tostring(v):gsub('([^%w%-%._~])', function(c) return string.format('%%%02X', string.byte(c)) end)
  end
  return table.concat(parts, '&')
end
function request()
  n = n + 1
  local fields = {}
  for k, v in pairs(mine.fields) do fields[k] = v end
  for _, q in ipairs(mine.questions) do
    local value = (n % 2 == 0) and q[2] or q[3]
    fields[q[1]] = value
    fields['c' .. q[1]:sub(2)] = 'Toelichting ' .. value
  end
  return wrk.format(nil, mine.path, nil, encode(fields))
end
function response(status, headers, body)
  if status ~= 200 then return end
  local version = body:match('"version":%s*(%d+)')
  if version then mine.fields['version'] = version end
  for name, token in body:gmatch('"(o_[%w_]+)":%s*"(%x+)"') do mine.fields[name] = token end
end
""",
    ]
    script = folder / "post.lua"
    script.write_text("\n".join(lua))
    return script, len(threads[0][2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = {
        **os.environ,
        "SELFCHECK_INSTANCE": str(folder),
        "SECRET_KEY": "bench",
        "SELFCHECK_ENV": "development",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
    }
    if args.connections > CONNECTIONS_MAX:
        raise SystemExit(f"at most {CONNECTIONS_MAX} connections")
    assessment_ids = prepare_database(env)[: args.connections]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(args.workers),
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
                urllib.request.urlopen(base + "/health")
                break
            except OSError:
                time.sleep(0.1)
        cookie, opener = login(base)
        step_url = f"/checks/{assessment_ids[0]}/stap/1"
        script, count = post_script(folder, opener, base, assessment_ids)
        wrk(base + "/health", 1, args.connections, cookie)  # warm up every worker
        ceiling = wrk(base + "/health", args.seconds, args.connections, cookie)
        get = wrk(base + step_url, args.seconds, args.connections, cookie)
        post = wrk(base + step_url, args.seconds, args.connections, cookie, script)
        saved = count_saves(env, assessment_ids)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"gunicorn, {args.workers} workers, wrk {args.connections} connections, {args.seconds} s each; "
        f"domain page with {count} questions; SQLite"
    )
    print(f"{'endpoint':<34}{'req/s':>10}{'of ceiling':>12}")
    print(f"{'GET /health (ceiling)':<34}{ceiling:>10.0f}{'100%':>12}")
    print(f"{'GET domain page':<34}{get:>10.0f}{get / ceiling:>12.0%}")
    print(
        f"{'POST domain page (autosave)':<34}{post:>10.0f}{post / ceiling:>12.0%}   ({saved} saves in the audit trail)"
    )
    print(
        f"target: domain page >= 20% of ceiling -> GET {'ok' if get / ceiling >= 0.2 else 'BELOW'}, "
        f"POST {'ok' if post / ceiling >= 0.2 else 'BELOW'}"
    )


if __name__ == "__main__":
    main()
