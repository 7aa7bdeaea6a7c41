"""The audit trail: one function to record an event; the view that records it commits it."""

from __future__ import annotations

from flask_login import current_user

from selfcheck.extensions import db
from selfcheck.models import Assessment, AuditEvent, Gemeente, utcnow

ACTIONS = {
    "assessment.started": "Check gestart",
    "answers.saved": "Antwoorden gewijzigd",
    "assessment.submitted": "Check definitief gemaakt",
    "report.downloaded": "Rapport gedownload",
    "gemeente.saved": "Gemeente opgeslagen",
    "gemeenten.imported": "Gemeenten geïmporteerd",
    "user.saved": "Account opgeslagen",
    "user.invited": "Uitnodigingslink gemaakt",
    "user.invitation_mailed": "Uitnodiging gemaild",
    "user.reset_mailed": "Link voor een nieuw wachtwoord gemaild",
    "user.password_set": "Wachtwoord ingesteld",
    "user.exported": "Persoonsgegevens geëxporteerd",
    "user.deleted": "Account verwijderd",
    "backup.written": "Back-up gemaakt",
    "data.exported": "Gegevens geëxporteerd",
    "respondent.invited": "Respondent uitgenodigd",
    "respondent.exported": "Gegevens van respondent geëxporteerd",
    "respondent.forgotten": "Gegevens van respondent gewist",
    "respondent.mailed": "Respondent gemaild",
    "feedback.added": "Feedback gegeven",
    "feedback.mailed": "Melding van feedback gemaild",
    "plan.focus_saved": "Focus van het plan gekozen",
    "plan.action_added": "Actie aan het plan toegevoegd",
    "plan.action_changed": "Actie van het plan gewijzigd",
    "plan.actions_carried_over": "Lopende acties van vorig jaar overgenomen",
}


INSERT_EVENT = AuditEvent.__table__.insert()  # built once: every save records an event


def record(
    action: str, *, assessment: Assessment | None = None, gemeente: Gemeente | None = None, user=None, **detail
) -> None:
    """Write an event for the current user (or `user`) in the session's transaction; no commit.

    A plain INSERT rather than a new ORM object: every save records one, and the ORM's
    unit of work costs more than the row itself.
    """
    assert action in ACTIONS, action
    actor = user if user is not None else (current_user if current_user and current_user.is_authenticated else None)
    db.session.flush()  # the rows this event refers to exist before it does
    db.session.connection().execute(
        INSERT_EVENT,
        {
            "at": utcnow(),
            "user_id": actor.id if actor else None,
            "user_label": f"{actor.name} <{actor.email}>" if actor else "systeem",
            "action": action,
            "assessment_id": assessment.id if assessment else None,
            "gemeente_id": gemeente.id if gemeente else assessment.gemeente_id if assessment else None,
            "detail": detail,
        },
    )
