"""AVG: what the app holds about a person, and forgetting them without losing a gemeente's checks."""

from __future__ import annotations

from sqlalchemy import select, update

from selfcheck.enums import Perspective
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, AuditEvent, Feedback, QuestionnaireVersion, Response, User


def personal_data(user: User) -> dict:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.user_id == user.id).order_by(AuditEvent.at))
    answers = db.session.execute(
        select(Response.assessment_id, Answer.question_id, Answer.updated_at)
        .join(Answer.response)
        .where(Answer.updated_by_id == user.id)
    )
    return {
        "account": {
            "id": user.id,
            "naam": user.name,
            "e-mailadres": user.email,
            "rol": user.role_label,
            "gemeente": user.gemeente.name if user.gemeente else None,
            "actief": user.active,
            "aangemaakt": user.created_at.isoformat(),
        },
        "laatst_gewijzigde_antwoorden": [
            {"check": assessment_id, "vraag": qid, "op": at.isoformat()} for assessment_id, qid, at in answers
        ],
        "logboek": [
            {"op": e.at.isoformat(), "actie": e.action, "check": e.assessment_id, "details": e.detail} for e in events
        ],
    }


def forget_user(user: User) -> None:
    """Delete the account; references in checks and the audit trail become anonymous. No commit."""
    for column in (Assessment.created_by_id, Assessment.submitted_by_id):
        db.session.execute(update(Assessment).where(column == user.id).values({column.key: None}))
    db.session.execute(update(Answer).where(Answer.updated_by_id == user.id).values(updated_by_id=None))
    db.session.execute(update(Response).where(Response.respondent_id == user.id).values(respondent_id=None))
    db.session.execute(update(Feedback).where(Feedback.author_id == user.id).values(author_id=None))
    for column in (QuestionnaireVersion.uploaded_by_id, QuestionnaireVersion.published_by_id):
        db.session.execute(update(QuestionnaireVersion).where(column == user.id).values({column.key: None}))
    db.session.execute(
        update(AuditEvent).where(AuditEvent.user_id == user.id).values(user_id=None, user_label="verwijderde gebruiker")
    )
    # Account events done by others name the person in their details.
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith("user."))):
        if event.detail.get("account") == user.email:
            event.detail = {**event.detail, "account": "verwijderde gebruiker"}
    db.session.delete(user)


# Invited respondents have no account: a person is found by the e-mail address they were invited at.


def respondents_by_email(email: str) -> list[Response]:
    return list(db.session.scalars(select(Response).where(Response.email == email).order_by(Response.id)))


def respondent_data(responses: list[Response]) -> dict:
    def when(moment):
        return moment.isoformat() if moment else None

    return {
        "respondenten": [
            {
                "gemeente": r.assessment.gemeente.name,
                "check": r.assessment.year,
                "naam": r.name,
                "e-mailadres": r.email,
                "perspectief": Perspective(r.perspective).label,
                "domeinen": r.domains or "alle",
                "link_geldig_tot": when(r.invite_expires_at),
                "link_gebruikt": when(r.invite_used_at),
                "ingediend": when(r.submitted_at),
                "antwoorden": [
                    {"vraag": a.question_id, "antwoord": a.value, "toelichting": a.comment, "op": when(a.updated_at)}
                    for a in r.answers
                ],
            }
            for r in responses
        ]
    }


def forget_respondent(response: Response) -> None:
    """Erase an invited respondent's name and e-mail address; their answers stay, under their
    perspective, and an unused link stops working. No commit."""
    response.name, response.email = f"Respondent {response.id}", None
    response.invite_hash = None
