"""A respondent's personal link: one random token per invitation, stored only as its hash
(the scheme of auth.tokens). It opens a landing page (a GET changes nothing), works again and
again until the respondent submits or it expires, and every new link replaces the previous one
and ends the session started with it."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from selfcheck import mail
from selfcheck.auth.tokens import new_token, token_hash
from selfcheck.enums import Perspective
from selfcheck.extensions import db
from selfcheck.models import Assessment, Response, utcnow
from selfcheck.policy import respondent_contact
from selfcheck.web.templating import nl_date

INVITATION_DAYS = 14
INVITATION, REMINDER, RENEWED = "invitation", "reminder", "renewed"


def new_invitation(response: Response) -> str:
    """A fresh link token for the respondent; any earlier link, and its session, stop working."""
    token, hashed = new_token()
    response.invite_hash = hashed
    response.invite_expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    return token


def invitation_for(token: str) -> Response | None:
    return db.session.scalars(select(Response).where(Response.invite_hash == token_hash(token))).first()


def can_answer(response: Response) -> bool:
    """Whether a new link for this respondent makes sense: not submitted, the check not final."""
    return response.submitted_at is None and not response.assessment.submitted and response.email is not None


def link_for(token: str) -> str:
    return url_for("respondents.accept", token=token, _external=True)


def mail_invitation(response: Response, token: str, kind: str = INVITATION) -> None:
    """Mail the respondent their link (an invitation, a reminder, or a new link). No commit."""
    assessment: Assessment = response.assessment
    subjects = {
        INVITATION: f"Uitnodiging: KOPP/KOV Beleidscheck {assessment.year} van gemeente {assessment.gemeente.name}",
        REMINDER: f"Herinnering: KOPP/KOV Beleidscheck {assessment.year} van gemeente {assessment.gemeente.name}",
        RENEWED: f"Uw nieuwe link voor de KOPP/KOV Beleidscheck {assessment.year}",
    }
    mail.send(
        response.email,
        subjects[kind],
        "respondent_invitation",
        audit_action="respondent.mailed",
        audit={"assessment": assessment, "perspective": response.perspective, "soort": kind},
        respondent_name=response.name,
        gemeente=assessment.gemeente.name,
        year=assessment.year,
        perspective=Perspective(response.perspective).label.lower(),
        link=link_for(token),
        expires=nl_date(response.invite_expires_at),
        contact=respondent_contact(response),
        reminder=kind == REMINDER,
        renewed=kind == RENEWED,
    )
