"""A respondent's personal link: one random token per invitation, stored only as its hash."""

from __future__ import annotations

from datetime import timedelta

from selfcheck.auth.tokens import new_token, token_hash
from selfcheck.extensions import db
from selfcheck.models import Response, utcnow

INVITATION_DAYS = 14


def new_invitation(response: Response) -> str:
    """A fresh link token for the respondent; any earlier link stops working."""
    token, hashed = new_token()
    response.invite_hash = hashed
    response.invite_expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    response.invite_used_at = None
    return token


def invitation_for(token: str) -> Response | None:
    return db.session.query(Response).filter_by(invite_hash=token_hash(token)).first()
