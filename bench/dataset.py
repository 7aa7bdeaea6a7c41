"""National-size data for benchmarks and tests: many gemeenten with submitted checks over years.

Inserted in bulk (no ORM objects per row), inside the current app context, on a migrated database.
Used by bench/compare.py and tests/test_advisers.py.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from selfcheck.check.store import OVERALL
from selfcheck.core.scoring import score
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, DomainScore, Gemeente, Response, User

if TYPE_CHECKING:
    from selfcheck.questionnaires.versions import QuestionnaireStore

PROVINCES = (
    "Groningen",
    "Friesland",
    "Drenthe",
    "Overijssel",
    "Flevoland",
    "Gelderland",
    "Utrecht",
    "Noord-Holland",
    "Zuid-Holland",
    "Zeeland",
    "Noord-Brabant",
    "Limburg",
)


def generate_dataset(store: QuestionnaireStore, gemeenten: int, years: list[int], seed: int = 1) -> list[int]:
    """Many gemeenten with submitted checks over several years, inserted in bulk, for tests and
    benchmarks. Answers are random but improve a little each year. Returns the assessment ids."""
    rng = random.Random(seed)
    questionnaire = store.current
    version = store.ensure_current_stored()
    db.session.flush()
    owner = db.session.scalars(db.select(User).filter_by(email="generator@example.nl")).first()
    if owner is None:
        owner = User(email="generator@example.nl", name="Generator", role="adviseur")
        db.session.add(owner)
        db.session.flush()
    rows = [
        {
            "code": f"GM{5000 + i:04d}",
            "name": f"Gemeente {i:03d}",
            "province": PROVINCES[i % len(PROVINCES)],
            "jeugdregio": f"Regio {i // 6:02d}",
            "inhabitants": rng.choice((8_000, 25_000, 60_000, 150_000)) + i,
        }
        for i in range(gemeenten)
    ]
    known = set(db.session.scalars(db.select(Gemeente.code)))
    new = [row for row in rows if row["code"] not in known]
    if new:  # calling again adds years to the same gemeenten
        db.session.execute(db.insert(Gemeente), new)
    ids = dict(db.session.execute(db.select(Gemeente.code, Gemeente.id)).all())
    assessment_ids = []
    for row in rows:
        base = rng.random() * 0.6
        for offset, year in enumerate(years):
            assessment_id = db.session.execute(
                db.insert(Assessment).returning(Assessment.id),
                [
                    {
                        "gemeente_id": ids[row["code"]],
                        "year": year,
                        "status": "definitief",
                        "questionnaire_fingerprint": version.fingerprint,
                        "created_by_id": owner.id,
                        "version": 2,
                    }
                ],
            ).scalar_one()
            response_id = db.session.execute(
                db.insert(Response).returning(Response.id), [{"assessment_id": assessment_id}]
            ).scalar_one()
            answers = {}
            for question in questionnaire.questions:
                scored = [o for o in question.options if not o.unknown]
                if rng.random() < 0.05:
                    answers[question.id] = next(o.value for o in question.options if o.unknown)
                else:
                    level = min(len(scored) - 1, int((base + offset * 0.05 + rng.random() * 0.5) * len(scored)))
                    answers[question.id] = scored[level].value
            db.session.execute(
                db.insert(Answer),
                [
                    {"response_id": response_id, "question_id": qid, "value": value, "comment": "", "version": 1}
                    for qid, value in answers.items()
                ],
            )
            result = score(questionnaire, answers)
            scores = [
                {
                    "assessment_id": assessment_id,
                    "domain_id": d.domain.id,
                    "score": d.score,
                    "level_id": d.level.id if d.level else None,
                    "level_rank": d.level.rank if d.level else None,
                }
                for d in result.domains
            ]
            scores.append(
                {
                    "assessment_id": assessment_id,
                    "domain_id": OVERALL,
                    "score": result.score,
                    "level_id": result.level.id if result.level else None,
                    "level_rank": result.level.rank if result.level else None,
                }
            )
            db.session.execute(db.insert(DomainScore), scores)
            assessment_ids.append(assessment_id)
    db.session.commit()
    return assessment_ids
