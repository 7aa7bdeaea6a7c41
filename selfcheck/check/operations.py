"""A check's life: start (pre-filled from last year), submit, and read back as a plain report.

These change the session but never commit: the view decides when to commit.
"""

from __future__ import annotations

from sqlalchemy import select

from selfcheck.check.store import answer_values, refresh_scores, respondent_answers, shared_response
from selfcheck.core.carryover import carry_over
from selfcheck.core.consensus import RespondentAnswers
from selfcheck.core.questionnaire import Questionnaire
from selfcheck.core.report import Report, build_report
from selfcheck.enums import Status
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, Gemeente, User, utcnow
from selfcheck.questionnaires.versions import QuestionnaireStore


def start_assessment(
    store: QuestionnaireStore,
    gemeente: Gemeente,
    year: int,
    user: User,
    prefill: bool,
    questionnaire: Questionnaire | None = None,
) -> Assessment:
    """A new draft on the current questionnaire (or a given one the store loaded), pre-filled on
    request with the answers of the gemeente's latest earlier check that still mean the same."""
    questionnaire = questionnaire or store.current
    version = store.ensure_stored(questionnaire)
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
        assessment.prefilled_from = previous
        carried = carry_over(store.get(previous.questionnaire_fingerprint), questionnaire, answer_values(previous))
        for qid, (value, comment) in carried.items():
            response.answers.append(Answer(question_id=qid, value=value, comment=comment, updated_by_id=user.id))
    db.session.flush()
    refresh_scores(store, assessment)
    return assessment


def carried_over(assessment: Assessment) -> list[str]:
    """The question ids whose answer came from the earlier check and was not changed since."""
    if assessment.prefilled_from_id is None:
        return []
    return [
        a.question_id
        for r in assessment.responses
        if r.is_shared
        for a in r.answers
        if a.version == 0 and a.value is not None
    ]


def submit_assessment(assessment: Assessment, user: User) -> None:
    assessment.status = Status.DEFINITIEF
    assessment.submitted_at = utcnow()
    assessment.submitted_by = user


def report_for(store: QuestionnaireStore, assessment: Assessment) -> Report:
    questionnaire = store.get(assessment.questionnaire_fingerprint)
    respondents = [
        RespondentAnswers(r.perspective, {q: v for q, v in values.items() if questionnaire.question(q)})
        for r, values in respondent_answers(assessment)
        if values
    ]
    return build_report(
        questionnaire,
        answer_values(assessment),
        gemeente=assessment.gemeente.name,
        year=assessment.year,
        submitted=assessment.submitted,
        respondents=respondents,
    )
