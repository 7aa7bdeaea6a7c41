"""Advisers' pages at national size: 342 gemeenten x 10 years of submitted checks.

Generates the data in a throw-away SQLite database (or BENCH_DATABASE_URL, emptied first), then
prints the median time (in-process, Flask test client) of the overview page, a side-by-side of 10
gemeenten, a benchmark page and the CSV export. The overview is measured at 1 year of data and
again at 10 years, side by side, to show how it grows. Target: each well under 300 ms.

    .venv/bin/python -m bench.compare [--gemeenten 342] [--years 10] [--runs 7]   # from the checkout's root
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time


def median_ms(client, url: str, runs: int) -> float:
    client.get(url)  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def analyze(db) -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would have in production."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", type=int, default=342)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    import logging

    logging.disable(logging.WARNING)
    os.environ.setdefault("SELFCHECK_INSTANCE", tempfile.mkdtemp(prefix="bench-compare-"))
    os.environ.setdefault("SELFCHECK_ENV", "development")
    from flask_migrate import upgrade

    from bench.dataset import generate_dataset
    from selfcheck import create_app
    from selfcheck.extensions import db
    from selfcheck.models import Assessment, Gemeente, User

    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{os.environ['SELFCHECK_INSTANCE']}/bench.db")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        store = app.extensions["questionnaire_store"]
        adviser = User(email="adviseur@bench.example", name="Adviseur", role="adviseur")
        adviser.set_password("bench-wachtwoord")
        db.session.add(adviser)
        db.session.commit()
        first_year = 2017
        start = time.perf_counter()
        generate_dataset(store, args.gemeenten, [first_year])
        analyze(db)
        setup_1 = time.perf_counter() - start

        client = app.test_client()
        page = client.get("/inloggen").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post(
            "/inloggen", data={"csrf_token": token, "email": "adviseur@bench.example", "password": "bench-wachtwoord"}
        )
        overview_1 = median_ms(client, "/adviseur/", args.runs)
        sorted_1 = median_ms(client, "/adviseur/?sorteer=s_regie&richting=af&pagina=3", args.runs)

        start = time.perf_counter()
        generate_dataset(store, args.gemeenten, list(range(first_year + 1, first_year + args.years)))
        analyze(db)
        setup_10 = time.perf_counter() - start
        assessments = db.session.query(Assessment).count()
        ids = [g.id for g in db.session.query(Gemeente).order_by(Gemeente.id).limit(10)]
        figures = {
            "overview": median_ms(client, "/adviseur/", args.runs),
            "overview, sorted by a domain, page 3": median_ms(
                client, "/adviseur/?sorteer=s_regie&richting=af&pagina=3", args.runs
            ),
            "side by side, 10 gemeenten": median_ms(
                client, "/adviseur/vergelijken?" + "&".join(f"gemeente={i}" for i in ids), args.runs
            ),
            "benchmark (all gemeenten)": median_ms(client, "/adviseur/benchmark", args.runs),
            "benchmark (one province)": median_ms(client, "/adviseur/benchmark?provincie=Utrecht", args.runs),
            "CSV export (latest per gemeente)": median_ms(client, "/adviseur/export.csv", args.runs),
        }
    print(
        f"{args.gemeenten} gemeenten; {'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}; "
        f"median of {args.runs} runs; data generated in {setup_1:.0f} s + {setup_10:.0f} s"
    )
    print(f"{'page':<40}{'1 year':>12}{f'{args.years} years':>12}{'growth':>9}")
    print(
        f"{'overview':<40}{overview_1:>9.0f} ms{figures['overview']:>9.0f} ms{figures['overview'] / overview_1:>8.1f}x"
    )
    print(
        f"{'overview, sorted by a domain, page 3':<40}{sorted_1:>9.0f} ms"
        f"{figures['overview, sorted by a domain, page 3']:>9.0f} ms"
        f"{figures['overview, sorted by a domain, page 3'] / sorted_1:>8.1f}x"
    )
    for name, value in figures.items():
        if not name.startswith("overview"):
            print(f"{name:<40}{'':>12}{value:>9.0f} ms")
    print(f"({assessments} assessments at {args.years} years)")
    worst = max(figures.values())
    print(f"target: every page well under 300 ms -> {'ok' if worst < 300 else 'ABOVE'} (slowest {worst:.0f} ms)")


if __name__ == "__main__":
    main()
