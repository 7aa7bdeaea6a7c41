"""The people of the load benchmarks: gemeenten with last years' checks, and this year's drafts.

Builds a fresh database (PostgreSQL: dropped and created again) through the real migrations,
then, in bulk: `users` gemeenten, each with submitted checks of 2024 and 2025 (bench/dataset.py),
a beleidsmedewerker and a draft check 2026 pre-filled from 2025 (every question answered, as a
check in its second year starts), and a few advisers. Passwords are hashed with a cheap method
(pbkdf2, 1000 rounds): logging in 1500 simulated people with scrypt would cost minutes of CPU
and is not what is measured.

    .venv/bin/python -m bench.population USERS ADVISERS   # prints JSON: the users and their checks
    DATABASE_URL=... (with SELFCHECK_ENV and SELFCHECK_INSTANCE) chooses the database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-wachtwoord-123"
YEAR = 2026


def user_email(index: int) -> str:
    return f"user{index}@load.example"


def adviser_email(index: int) -> str:
    return f"adviseur{index}@load.example"


def recreate_database(url: str) -> None:
    """An empty database of that name (PostgreSQL); a SQLite file is simply left to the migrations."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def populate(env: dict[str, str], users: int, advisers: int) -> dict:
    """Build the database of `env` in a process of its own (the migrations configure logging as
    Alembic likes, which the measured app should not inherit). Returns {"checks": [id per user]}."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.population", str(users), str(advisers)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _populate(app, users: int, advisers: int) -> dict:
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from bench.dataset import generate_dataset
    from selfcheck.check.store import refresh_scores
    from selfcheck.extensions import db
    from selfcheck.models import Answer, Assessment, Gemeente, Response, User

    with app.app_context():
        upgrade()
        store = app.extensions["questionnaire_store"]
        generate_dataset(store, users, [YEAR - 2, YEAR - 1])
        password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        gemeenten = db.session.execute(db.select(Gemeente.id).order_by(Gemeente.code)).scalars().all()[:users]
        db.session.execute(
            db.insert(User),
            [
                {
                    "email": user_email(i),
                    "name": f"Gebruiker {i}",
                    "role": "beleidsmedewerker",
                    "gemeente_id": gemeente_id,
                    "password_hash": password,
                }
                for i, gemeente_id in enumerate(gemeenten)
            ]
            + [
                {"email": adviser_email(i), "name": f"Adviseur {i}", "role": "adviseur", "password_hash": password}
                for i in range(advisers)
            ],
        )
        owners = dict(
            db.session.execute(db.select(User.gemeente_id, User.id).where(User.gemeente_id.is_not(None))).all()
        )
        last_year = dict(
            db.session.execute(
                db.select(Assessment.gemeente_id, Assessment.id).where(Assessment.year == YEAR - 1)
            ).all()
        )
        fingerprint = store.current.fingerprint
        checks = []
        for gemeente_id in gemeenten:  # this year's draft, pre-filled from last year (same questionnaire)
            assessment_id = db.session.execute(
                db.insert(Assessment).returning(Assessment.id),
                [
                    {
                        "gemeente_id": gemeente_id,
                        "year": YEAR,
                        "status": "concept",
                        "questionnaire_fingerprint": fingerprint,
                        "created_by_id": owners[gemeente_id],
                        "prefilled_from_id": last_year[gemeente_id],
                        "version": 1,
                    }
                ],
            ).scalar_one()
            response_id = db.session.execute(
                db.insert(Response).returning(Response.id), [{"assessment_id": assessment_id}]
            ).scalar_one()
            previous = db.session.execute(
                db.select(Answer.question_id, Answer.value)
                .join(Response, Response.id == Answer.response_id)
                .where(Response.assessment_id == last_year[gemeente_id])
            ).all()
            db.session.execute(
                db.insert(Answer),
                [
                    {"response_id": response_id, "question_id": qid, "value": value, "comment": "", "version": 0}
                    for qid, value in previous
                ],
            )
            refresh_scores(store, db.session.get(Assessment, assessment_id))
            checks.append(assessment_id)
        db.session.commit()
        return {"checks": checks}


def main() -> None:
    from selfcheck import create_app

    users, advisers = int(sys.argv[1]), int(sys.argv[2])
    recreate_database(os.environ["DATABASE_URL"])
    print(json.dumps(_populate(create_app(), users, advisers)))


if __name__ == "__main__":
    main()
