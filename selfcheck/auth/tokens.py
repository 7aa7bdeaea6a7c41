"""Tokens in links: random, and stored only as a hash, so the database never holds a usable link."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh random token for a link, and the hash to store instead of it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- user invitations and password links ---------------------------------------------------------

INVITATION_DAYS = 7


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="invitation")


def invitation_token(user) -> str:
    # The current password hash is in the token, so it stops working once used.
    return _serializer().dumps({"user": user.id, "hash": user.password_hash or ""})


class InvalidToken(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read_invitation_token(token: str) -> dict:
    try:
        return _serializer().loads(token, max_age=INVITATION_DAYS * 24 * 3600)
    except SignatureExpired:
        raise InvalidToken(expired=True) from None
    except BadSignature:
        raise InvalidToken(expired=False) from None
