"""A check's life: start (pre-filled from last year), submit, and read back as a plain report.

These change the session but never commit: the view decides when to commit.
"""

from __future__ import annotations

from sqlalchemy import select

from selfcheck.check.store import answer_values, refresh_scores, respondent_answers, shared_response
from selfcheck.core.consensus import RespondentAnswers
from selfcheck.core.report import Report, build_report
from selfcheck.enums import Status
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, Gemeente, User, utcnow
from selfcheck.questionnaires.versions import QuestionnaireStore


def start_assessment(store: QuestionnaireStore, gemeente: Gemeente, year: int, user: User, prefill: bool) -> Assessment:
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
