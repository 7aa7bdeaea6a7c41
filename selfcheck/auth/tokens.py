"""Tokens in links, one scheme for users and respondents: random (32 bytes from `secrets`), stored
only as their sha256, with an expiry, and single use where a link sets something (a password).

The database never holds a usable link, and a link carries nothing but the random token: no id, no
password hash, nothing to read or attack offline.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from selfcheck.extensions import db
from selfcheck.models import User, UserToken, utcnow

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh random token for a link, and the hash to store instead of it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two stored values (no timing oracle on a session binding)."""
    return a is not None and b is not None and hmac.compare_digest(a, b)


# --- user invitations and password links ---------------------------------------------------------

INVITATION = "invitation"
RESET = "reset"
LIFETIME = {INVITATION: timedelta(days=7), RESET: timedelta(hours=2)}
INVITATION_DAYS = LIFETIME[INVITATION].days
RESET_HOURS = int(LIFETIME[RESET].total_seconds() // 3600)


def issue_user_token(user: User, purpose: str) -> str:
    """A new link for `user`; earlier unused links of the user stop working. No commit."""
    revoke_user_tokens(user)
    token, hashed = new_token()
    db.session.add(UserToken(user=user, purpose=purpose, token_hash=hashed, expires_at=utcnow() + LIFETIME[purpose]))
    return token


def revoke_user_tokens(user: User) -> None:
    if user.id is None:
        return
    db.session.execute(
        update(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None)).values(used_at=utcnow())
    )


class InvalidToken(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def user_token(token: str) -> UserToken:
    """The unused, unexpired link for `token`; InvalidToken otherwise. Reading it changes nothing."""
    row = db.session.scalars(select(UserToken).where(UserToken.token_hash == token_hash(token))).first()
    if row is None or row.used_at is not None or not row.user.active:
        raise InvalidToken(expired=False)
    if row.expires_at < utcnow():
        raise InvalidToken(expired=True)
    return row


def use_user_token(row: UserToken) -> bool:
    """Mark the link used, once: False if another request used it first. No commit."""
    used = db.session.execute(
        update(UserToken).where(UserToken.id == row.id, UserToken.used_at.is_(None)).values(used_at=utcnow())
    )
    return used.rowcount == 1
