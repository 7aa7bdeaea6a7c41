"""What every form shares: Dutch messages, CSRF, the e-mail rule and the comment length."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

COMMENT_MAX = 4000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Form(FlaskForm):
    class Meta:
        locales = ("nl",)  # WTForms' own Dutch messages


def strip(value: str | None) -> str:
    return (value or "").strip()


def email_address(form, field):
    """One rule for what an e-mail address is, normalised to lower case."""
    field.data = strip(field.data).lower()
    if not EMAIL.match(field.data):
        raise ValidationError("Vul een geldig e-mailadres in, zoals naam@gemeente.nl.")
