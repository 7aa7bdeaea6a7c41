"""Assessments in the database: start, answer, submit, and read back with their own questionnaire.

Helpers change the session but never commit: the view decides when to commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from .extensions import db
from .loader import parse_questionnaire
from .models import Answer, Assessment, DomainScore, Gemeente, QuestionnaireVersion, Response, User, utcnow

OVERALL = "_totaal"  # DomainScore.domain_id of the overall score
from .questionnaire import Questionnaire
from .consensus import RespondentAnswers
from .report import Report, build_report
from .scoring import score


class QuestionnaireStore:
    """The current questionnaire plus every earlier one an assessment still refers to."""

    def __init__(self, current: Questionnaire, path: Path):
        self.current = current
        self.source = path.read_text(encoding="utf-8")
        self._by_fingerprint = {current.fingerprint: current}

    def get(self, fingerprint: str) -> Questionnaire:
        if fingerprint not in self._by_fingerprint:
            stored = db.session.get(QuestionnaireVersion, fingerprint)
            self._by_fingerprint[fingerprint] = parse_questionnaire(stored.source)
        return self._by_fingerprint[fingerprint]

    def ensure_current_stored(self) -> QuestionnaireVersion:
        stored = db.session.get(QuestionnaireVersion, self.current.fingerprint)
        if stored is None:
            stored = QuestionnaireVersion(
                fingerprint=self.current.fingerprint, version=self.current.version, source=self.source
            )
            db.session.add(stored)
        return stored


def shared_response(assessment: Assessment) -> Response:
    response = next((r for r in assessment.responses if r.is_shared), None)
    if response is None:
        response = Response(assessment=assessment)
        db.session.add(response)
    return response


def answer_values(assessment: Assessment) -> dict[str, tuple[str | None, str]]:
    """question id -> (option value or None, comment) of the gemeente's shared answers."""
    # Plain rows through the session's connection: every domain page runs this, and the
    # ORM's result processing would cost more than the query itself.
    rows = db.session.connection().execute(
        select(Answer.question_id, Answer.value, Answer.comment)
        .join(Response)
        .where(Response.assessment_id == assessment.id, Response.is_shared)
    )
    return {qid: (value, comment) for qid, value, comment in rows}


def respondent_answers(assessment: Assessment) -> list[tuple[Response, dict[str, str]]]:
    """Every respondent's response with its answers (option values), in invitation order."""
    respondents = [r for r in assessment.responses if r.is_respondent]
    values: dict[int, dict[str, str]] = {r.id: {} for r in respondents}
    if respondents:
        for response_id, qid, value in db.session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value)
            .where(Answer.response_id.in_(list(values)), Answer.value.is_not(None))
        ):
            values[response_id][qid] = value
    return [(r, values[r.id]) for r in sorted(respondents, key=lambda r: r.id)]


def start_assessment(
    store: QuestionnaireStore, gemeente: Gemeente, year: int, user: User, prefill: bool
) -> Assessment:
    version = store.ensure_current_stored()
    assessment = Assessment(gemeente=gemeente, year=year, questionnaire_version=version, created_by=user)
    db.session.add(assessment)
    response = shared_response(assessment)
    previous = db.session.scalars(
        select(Assessment)
        .where(Assessment.gemeente_id == gemeente.id, Assessment.year < year)
        .order_by(Assessment.year.desc())
        .limit(1)
    ).first()
    if prefill and previous is not None:
        questionnaire = store.current
        for qid, (value, comment) in answer_values(previous).items():
            question = questionnaire.question(qid)
            if question is None:
                continue  # the question was dropped from the questionnaire
            if value is not None and question.option(value) is None:
                value = None  # the option no longer exists; keep the comment
            response.answers.append(Answer(question_id=qid, value=value, comment=comment, updated_by_id=user.id))
    db.session.flush()
    refresh_scores(store, assessment)
    return assessment


@dataclass(frozen=True)
class Conflict:
    """An answer someone else changed after the version a save was based on."""

    question_id: str
    value: str | None
    comment: str
    by: str


class ConflictError(Exception):
    def __init__(self, conflicts: list[Conflict]):
        super().__init__(", ".join(c.question_id for c in conflicts))
        self.conflicts = conflicts


def save_answers(
    assessment: Assessment,
    user: User | None,
    values: dict[str, tuple[str | None, str]],
    base_version: int | None = None,
    response: Response | None = None,
) -> dict[str, dict]:
    """Store the given answers; return what changed, per question: the option value before
    and after, and whether the comment changed (its text stays out of the audit trail).
    Empty (None, '') removes an answer.

    With `base_version` (the assessment version the user's page showed), an answer that
    someone else changed since then and that this save would change again raises
    ConflictError and nothing is stored; other answers merge. The flush then raises the
    assessment's version only if nobody saved in between (SQLAlchemy's version check).
    """
    if assessment.submitted:
        raise ValueError("a submitted assessment is read-only")
    response = response or shared_response(assessment)  # a respondent's, or the gemeente's own
    user_id = user.id if user is not None else None
    # Only the answers this save touches: a page posts 8 of the 40.
    existing = {} if response.id is None else {
        a.question_id: a for a in db.session.scalars(
            select(Answer).where(Answer.response_id == response.id, Answer.question_id.in_(list(values))))
    }
    if base_version is not None:
        conflicts = [
            Conflict(qid, answer.value, answer.comment, answer.updated_by.name if answer.updated_by else "")
            for qid, posted in values.items()
            if (answer := existing.get(qid)) is not None
            and answer.version > base_version
            and (answer.value, answer.comment) != posted
        ]
        if conflicts:
            raise ConflictError(conflicts)
    new_version = assessment.version + 1
    changes = {}
    for qid, (value, comment) in values.items():
        answer = existing.get(qid)
        before = (answer.value, answer.comment) if answer is not None else (None, "")
        if answer is None:
            if value is None and not comment:
                continue
            db.session.add(Answer(response=response, question_id=qid, value=value, comment=comment,
                                  updated_by_id=user_id, version=new_version))
        elif (answer.value, answer.comment) == (value, comment):
            continue
        elif value is None and not comment:
            db.session.delete(answer)
        else:
            answer.value, answer.comment = value, comment
            answer.updated_at, answer.updated_by_id, answer.version = utcnow(), user_id, new_version
        changes[qid] = {"van": before[0], "naar": value, "toelichting_gewijzigd": before[1] != comment}
    if changes:
        assessment.updated_at = utcnow()
        db.session.flush()  # the version check happens here; the scores read the new answers
        if response.is_shared:
            refresh_scores(current_app.extensions["questionnaire_store"], assessment)
    return changes


def submit_assessment(assessment: Assessment, user: User) -> None:
    assessment.status = "definitief"
    assessment.submitted_at = utcnow()
    assessment.submitted_by = user


def refresh_scores(store: QuestionnaireStore, assessment: Assessment) -> None:
    """Store the core's scores of this assessment (for SQL aggregation). No commit."""
    questionnaire = store.get(assessment.questionnaire_fingerprint)
    result = score(questionnaire, {q: v for q, (v, _) in answer_values(assessment).items()
                                   if v is not None and questionnaire.question(q)})
    rows = {d.domain.id: (d.score, d.level) for d in result.domains}
    rows[OVERALL] = (result.score, result.level)
    current = {s.domain_id: s for s in assessment.scores}
    for domain_id, (value, level) in rows.items():
        row = current.get(domain_id) or DomainScore(assessment_id=assessment.id, domain_id=domain_id)
        row.score, row.level_id, row.level_rank = value, level.id if level else None, level.rank if level else None
        if domain_id not in current:
            assessment.scores.append(row)


def report_for(store: QuestionnaireStore, assessment: Assessment) -> Report:
    questionnaire = store.get(assessment.questionnaire_fingerprint)
    respondents = [RespondentAnswers(r.perspective, {q: v for q, v in values.items() if questionnaire.question(q)})
                   for r, values in respondent_answers(assessment) if values]
    return build_report(
        questionnaire,
        answer_values(assessment),
        gemeente=assessment.gemeente.name,
        year=assessment.year,
        submitted=assessment.submitted,
        respondents=respondents,
    )
