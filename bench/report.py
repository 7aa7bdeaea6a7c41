"""Time to render the PDF report in the app, next to WeasyPrint alone on the same HTML.

Each side runs in its own process (so each has its own peak memory) on a throw-away SQLite
database with the demo data, and renders the complete demo assessment several times:

- WeasyPrint alone: HTML(string=...).write_pdf() with WeasyPrint's own URL fetcher and the
  same options (PDF/UA-1), on exactly the HTML the app renders;
- app, fresh: GET /checks/<id>/rapport.pdf through Flask with the cache emptied first
  (database, scoring, templates, safe fetcher and WeasyPrint);
- app, cached: the same GET again, unchanged assessment.

    .venv/bin/python -m bench.report [--runs 7]   # from the checkout's root
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# The workers run in the checkout's root, which `python -c` puts first on sys.path.
ROOT = Path(__file__).resolve().parent.parent

WORKER = r"""
import json, os, re, resource, shutil, sys, time
from flask_migrate import upgrade
from selfcheck import create_app
from selfcheck.demo import DEMO_PASSWORD, load_demo_data
from selfcheck.models import Assessment
import logging; logging.disable(logging.WARNING)

mode, runs = sys.argv[1], int(sys.argv[2])
app = create_app()
with app.app_context():
    upgrade(); load_demo_data(app.extensions["questionnaire_store"])
    assessment = Assessment.query.filter_by(status="definitief").first()
    from selfcheck.reports.views import report_html
    html = report_html(assessment, "rapport")
    assessment_id = assessment.id
times = []
if mode == "weasyprint":
    from weasyprint import HTML
    base = app.static_folder + "/"
    for _ in range(runs):
        start = time.perf_counter()
        pdf = HTML(string=html, base_url=base).write_pdf(pdf_variant="pdf/ua-1")
        times.append(time.perf_counter() - start)
else:
    client = app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/inloggen", data={"csrf_token": token, "email": "inkoop@breda.example", "password": DEMO_PASSWORD})
    cache = app.extensions["report_cache"].folder
    url = f"/checks/{assessment_id}/rapport.pdf"
    for _ in range(runs):
        if mode == "fresh":
            shutil.rmtree(cache); cache.mkdir()
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
        pdf = response.data
    if mode == "cached":
        times = times[1:]  # the first one rendered
print(json.dumps({"times": times, "bytes": len(pdf), "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(mode: str, runs: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-report-{mode}-"))
    # development: a DATABASE_URL alone would make the app production, with a Secure-only session
    # cookie that the test client (plain http) does not send back, so the login would not stick
    env = {
        **os.environ,
        "SELFCHECK_INSTANCE": str(folder),
        "SECRET_KEY": "bench",
        "SELFCHECK_ENV": "development",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
    }
    try:
        out = subprocess.run(
            [sys.executable, "-c", WORKER, mode, str(runs)], env=env, cwd=ROOT, capture_output=True, text=True
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if out.returncode:
        raise SystemExit(f"the {mode} worker failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results = {
        mode: run(mode, args.runs + (1 if mode == "cached" else 0)) for mode in ("weasyprint", "fresh", "cached")
    }
    base = statistics.median(results["weasyprint"]["times"])
    print(f"PDF report of the complete demo assessment; median of {args.runs} runs")
    print(f"{'':<34}{'median':>10}{'vs WeasyPrint':>15}{'peak RSS':>11}{'PDF':>9}")
    labels = {
        "weasyprint": "WeasyPrint alone, same HTML",
        "fresh": "app download, not cached",
        "cached": "app download, cached",
    }
    for mode, label in labels.items():
        median = statistics.median(results[mode]["times"])
        print(
            f"{label:<34}{median * 1000:>8.0f} ms{median / base:>14.2f}x"
            f"{results[mode]['maxrss_mb']:>8.0f} MB{results[mode]['bytes'] // 1024:>6} kB"
        )
    ratio = statistics.median(results["fresh"]["times"]) / base
    print(f"target: fresh render <= 1.3x WeasyPrint alone -> {'ok' if ratio <= 1.3 else 'ABOVE'} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
