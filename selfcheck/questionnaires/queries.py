"""What the database knows about questionnaire versions: their use, and last year's checks to re-score."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from selfcheck.core.questionnaire import Questionnaire
from selfcheck.core.rescore import Moves, level_moves
from selfcheck.enums import Status
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, QuestionnaireVersion, Response, utcnow
from selfcheck.questionnaires.versions import QuestionnaireStore

RESCORE_DAYS = 365  # "last year": checks made definitive in the past twelve months


@dataclass(frozen=True)
class VersionRow:
    stored: QuestionnaireVersion
    current: bool
    drafts: int
    definitive: int

    @property
    def used(self) -> bool:
        return bool(self.drafts or self.definitive)


def versions(store: QuestionnaireStore) -> list[VersionRow]:
    """Every stored version (and the shipped file), newest first, with how many checks use it."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for fingerprint, status, n in db.session.execute(
        select(Assessment.questionnaire_fingerprint, Assessment.status, func.count()).group_by(
            Assessment.questionnaire_fingerprint, Assessment.status
        )
    ):
        counts[fingerprint][status] = n
    current = store.current_fingerprint()
    rows = list(
        db.session.scalars(
            select(QuestionnaireVersion).order_by(
                QuestionnaireVersion.published_at.desc().nulls_first(), QuestionnaireVersion.created_at.desc()
            )
        )
    )
    if not any(v.fingerprint == store.shipped.fingerprint for v in rows):
        rows.insert(0, store.stored(store.shipped.fingerprint))
    return [
        VersionRow(
            v,
            v.fingerprint == current,
            counts[v.fingerprint].get(Status.CONCEPT.value, 0),
            counts[v.fingerprint].get(Status.DEFINITIEF.value, 0),
        )
        for v in rows
    ]


def recent_definitive_answers() -> dict[str, list[dict[str, tuple[str | None, str]]]]:
    """Each gemeente's latest check made definitive in the last year, as its shared answers, by the
    questionnaire fingerprint it was filled in with. One query for the checks, one for all answers."""
    since = utcnow() - timedelta(days=RESCORE_DAYS)
    latest = {}
    for assessment_id, gemeente_id, fingerprint in db.session.execute(
        select(Assessment.id, Assessment.gemeente_id, Assessment.questionnaire_fingerprint)
        .where(Assessment.status == Status.DEFINITIEF.value, Assessment.submitted_at >= since)
        .order_by(Assessment.submitted_at)
    ):
        latest[gemeente_id] = (assessment_id, fingerprint)
    fingerprints = dict(latest.values())  # check id -> fingerprint
    answers: dict[int, dict[str, tuple[str | None, str]]] = {a: {} for a in fingerprints}
    if fingerprints:
        for assessment_id, question_id, value, comment in db.session.execute(
            select(Response.assessment_id, Answer.question_id, Answer.value, Answer.comment)
            .join(Answer, Answer.response_id == Response.id)
            .where(Response.is_shared, Response.assessment_id.in_(list(fingerprints)))
        ):
            answers[assessment_id][question_id] = (value, comment)
    by_version: dict[str, list] = defaultdict(list)
    for assessment_id, fingerprint in fingerprints.items():
        by_version[fingerprint].append(answers[assessment_id])
    return by_version


@dataclass(frozen=True)
class Effect:
    old_version: str
    moves: Moves


def effect(store: QuestionnaireStore, new: Questionnaire) -> list[Effect]:
    """Last year's definitive checks re-scored with `new`, one table per version they were made on."""
    tables = []
    for fingerprint, checks in sorted(recent_definitive_answers().items(), key=lambda item: -len(item[1])):
        old = store.get(fingerprint)
        known = {q.id: {o.value for o in q.options} for q in old.questions}
        # a stored value the version does not know reads as unanswered, as everywhere else
        cleaned = [
            {qid: (v if v in known[qid] else None, c) for qid, (v, c) in check.items() if qid in known}
            for check in checks
        ]
        tables.append(Effect(old.version, level_moves(old, new, cleaned)))
    return tables
