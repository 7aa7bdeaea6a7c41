"""Time to render the PDF report in the app, next to WeasyPrint alone on the same HTML.

Each side runs in its own process (so each has its own peak memory) on a throw-away SQLite
database with the demo data, and renders the complete demo assessment several times:

- WeasyPrint alone: HTML(string=...).write_pdf() with WeasyPrint's own URL fetcher and the
  same options (PDF/UA-1), on exactly the HTML the app renders;
- app, fresh: GET /checks/<id>/rapport.pdf through Flask with the cache emptied first
  (database, scoring, templates, safe fetcher and WeasyPrint);
- app, cached: the same GET again, unchanged assessment;
- after submit: a complete draft made definitive through the web (POST /indienen, then its results
  page, as a person sees it), the time until its reports are in the cache (rendered in the
  background once the submit has answered), and the first download after that.

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
extra = {}
if mode == "submit":
    from selfcheck.check.operations import start_assessment
    from selfcheck.check.store import save_answers
    from selfcheck.extensions import db
    from selfcheck.models import User
    from selfcheck.reports.background import wait, worker

    store = app.extensions["questionnaire_store"]
    client = app.test_client()
    def token(url):
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    client.post("/inloggen", data={"csrf_token": token("/inloggen"), "email": "beleid@breda.example", "password": DEMO_PASSWORD})
    cache = app.extensions["report_cache"]
    for run in range(runs):
        with app.app_context():
            officer = User.query.filter_by(email="beleid@breda.example").one()
            draft = start_assessment(store, officer.gemeente, 2030 + run, officer, prefill=False)
            save_answers(draft, officer, {q.id: (q.options[i % len(q.options)].value, "") for i, q in enumerate(store.current.questions)})
            db.session.commit()
            draft_id = draft.id
        start = time.perf_counter()
        response = client.post(f"/checks/{draft_id}/indienen", data={"csrf_token": token(f"/checks/{draft_id}/indienen")})
        submitted = time.perf_counter()
        assert response.status_code == 302, response.status_code
        assert client.get(response.headers["Location"]).status_code == 200  # the results page
        shown = time.perf_counter()
        with app.app_context():
            key = cache.key(db.session.get(Assessment, draft_id), "rapport")
        asked = worker.pending() > 0 or cache.store.get(draft_id, "rapport", key) is not None
        while asked and cache.store.get(draft_id, "rapport", key) is None and time.perf_counter() - start < 30:
            time.sleep(0.005)
        ready = time.perf_counter()
        asked = asked and cache.store.get(draft_id, "rapport", key) is not None  # there before the download
        downloaded = client.get(f"/checks/{draft_id}/rapport.pdf")
        done = time.perf_counter()
        assert downloaded.status_code == 200
        pdf = downloaded.data
        wait(60)
        times.append(done - ready)
        for name, value in (("submit", submitted - start), ("results", shown - submitted), ("ready", ready - start)):
            extra.setdefault(name, []).append(value)
        extra.setdefault("from_cache", []).append(asked)  # in the cache before the download asked
elif mode == "weasyprint":
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
print(json.dumps({"times": times, **extra, "bytes": len(pdf), "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
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
        # a download waits for its render (the figure is the render), never the progress page
        "REPORT_WAIT_SECONDS": "120",
        "REPORT_PRERENDER": "1",
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
    modes = ("weasyprint", "fresh", "cached", "submit")
    results = {mode: run(mode, args.runs + (1 if mode == "cached" else 0)) for mode in modes}
    base = statistics.median(results["weasyprint"]["times"])
    print(f"PDF report of the complete demo assessment; median of {args.runs} runs")
    print(f"{'':<44}{'median':>10}{'vs WeasyPrint':>15}{'peak RSS':>11}{'PDF':>9}")
    labels = {
        "weasyprint": "WeasyPrint alone, same HTML",
        "fresh": "app download, not cached",
        "cached": "app download, cached",
        "submit": "first download after submit",
    }
    for mode, label in labels.items():
        median = statistics.median(results[mode]["times"])
        print(
            f"{label:<44}{median * 1000:>8.0f} ms{median / base:>14.2f}x"
            f"{results[mode]['maxrss_mb']:>8.0f} MB{results[mode]['bytes'] // 1024:>6} kB"
        )
    after = results["submit"]
    ms = {name: statistics.median(after[name]) * 1000 for name in ("submit", "results", "ready")}
    cached = sum(after["from_cache"])
    runs = len(after["from_cache"])
    ahead = (
        f"its report was in the cache {ms['ready']:.0f} ms after the submit began (rendered in the background), "
        f"and the first download was served from there in {cached} of {runs} runs"
        if cached
        else "its report was not rendered ahead (is prerender() called in check/views.py's submit?): "
        "the first download rendered it"
    )
    print(
        f"after submit: the POST answered in {ms['submit']:.0f} ms, the results page in {ms['results']:.0f} ms; {ahead}"
    )
    ratio = statistics.median(results["fresh"]["times"]) / base
    print(f"target: fresh render <= 1.3x WeasyPrint alone -> {'ok' if ratio <= 1.3 else 'ABOVE'} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
