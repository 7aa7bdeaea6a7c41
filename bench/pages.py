"""Throughput of a domain page (GET, and a POST that saves) against a minimal endpoint of the same app.

Runs the app under gunicorn on 127.0.0.1 with demo data in a throw-away SQLite database and
loads it with wrk (Debian package 'wrk'). Prints requests per second side by side and the
ratio to the ceiling. Target: a domain page at least 20% of the ceiling.

    .venv/bin/python bench/pages.py [--seconds 5] [--connections 8] [--workers 2]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(env: dict) -> int:
    """Migrate a fresh database, load the demo data; return the id of Breda's draft check."""
    code = (
        "from flask_migrate import upgrade\n"
        "from selfcheck import create_app\n"
        "from selfcheck.demo import load_demo_data\n"
        "from selfcheck.models import Assessment\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    upgrade(); load_demo_data(app.extensions['questionnaire_store'])\n"
        "    print(Assessment.query.filter_by(status='concept').first().id)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def login(base: str) -> tuple[str, urllib.request.OpenerDirector]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/inloggen").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": "beleid@breda.example",
                                   "password": "demo-wachtwoord"}).encode()
    opener.open(base + "/inloggen", body)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, opener


def wrk(url: str, seconds: int, connections: int, cookie: str, script: Path | None = None) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"errors while loading {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def post_script(folder: Path, opener, base: str, step_url: str) -> Path:
    """A wrk script that alternates two sets of answers, so every POST really writes."""
    page = opener.open(base + step_url).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    questions = re.findall(r'name="(q_[a-z0-9_]+)" id="[^"]+-nee"', page)
    bodies = []
    for value in ("deels", "vastgelegd"):
        fields = {"csrf_token": token, "action": "save"}
        fields.update({q: value for q in questions})
        fields.update({"c" + q[1:]: f"Toelichting {value}" for q in questions})
        bodies.append(urllib.parse.urlencode(fields))
    script = folder / "post.lua"
    script.write_text(
        'local bodies = {"%s", "%s"}\nlocal n = 0\n'
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        "request = function()\n  n = n + 1\n  return wrk.format(nil, nil, nil, bodies[n %% 2 + 1])\nend\n"
        % tuple(bodies)
    )
    return script, len(questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = {**os.environ, "SELFCHECK_INSTANCE": str(folder), "SECRET_KEY": "bench", "SELFCHECK_ENV": "development",
           "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
    assessment_id = prepare_database(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "selfcheck:create_app()"],
        env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health")
                break
            except OSError:
                time.sleep(0.1)
        cookie, opener = login(base)
        step_url = f"/checks/{assessment_id}/stap/1"
        script, count = post_script(folder, opener, base, step_url)
        wrk(base + "/health", 1, args.connections, cookie)  # warm up every worker
        ceiling = wrk(base + "/health", args.seconds, args.connections, cookie)
        get = wrk(base + step_url, args.seconds, args.connections, cookie)
        post = wrk(base + step_url, args.seconds, args.connections, cookie, script)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)

    print(f"gunicorn, {args.workers} workers, wrk {args.connections} connections, {args.seconds} s each; "
          f"domain page with {count} questions; SQLite")
    print(f"{'endpoint':<34}{'req/s':>10}{'of ceiling':>12}")
    print(f"{'GET /health (ceiling)':<34}{ceiling:>10.0f}{'100%':>12}")
    print(f"{'GET domain page':<34}{get:>10.0f}{get / ceiling:>12.0%}")
    print(f"{'POST domain page (saves)':<34}{post:>10.0f}{post / ceiling:>12.0%}")
    print(f"target: domain page >= 20% of ceiling -> GET {'ok' if get / ceiling >= 0.2 else 'BELOW'}, "
          f"POST {'ok' if post / ceiling >= 0.2 else 'BELOW'}")


if __name__ == "__main__":
    main()
