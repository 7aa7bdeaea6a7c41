"""What every form shares: Dutch messages, CSRF, the e-mail rule, the comment length, and clean text.

Every text a person types (names, comments, reasons, feedback) passes `clean_text`: bidirectional
control characters, which can reorder how a text reads on a page or in the PDF ("Trojan Source"),
are removed. `Form.Meta.bind_field` adds it to every text field of every form, so a new form gets
it without asking; `strip` does it too, for the fields that name their filters.
"""

from __future__ import annotations

import re

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict
from wtforms import PasswordField, StringField
from wtforms.validators import ValidationError

COMMENT_MAX = 4000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the
# left-to-right and right-to-left marks (U+200E, U+200F) and the Arabic letter mark (U+061C).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def clean_text(value):
    """A typed text without bidirectional control characters; anything that is not text as it is."""
    if isinstance(value, str):
        return BIDI_CONTROLS.sub("", value)
    return value


class Form(FlaskForm):
    class Meta:
        locales = ("nl",)  # WTForms' own Dutch messages

        def bind_field(self, form, unbound_field, options):
            # every text field (not passwords: those are compared, never shown) gets clean_text
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                options["filters"] = (*(unbound_field.kwargs.get("filters") or ()), clean_text)
            return super().bind_field(form, unbound_field, options)

        def wrap_formdata(self, form, formdata):
            # Only a posted form is form data. Flask-WTF would also take a JSON body, and fail on
            # one that is not an object; security.py refuses such bodies, this keeps forms safe anyway.
            if formdata is _Auto:
                if not _is_submitted():
                    return None
                return CombinedMultiDict((request.files, request.form)) if request.files else request.form
            return formdata


def strip(value: str | None) -> str:
    return clean_text((value or "").strip()).strip()


def email_address(form, field):
    """One rule for what an e-mail address is, normalised to lower case."""
    field.data = strip(field.data).lower()
    if not EMAIL.match(field.data):
        raise ValidationError("Vul een geldig e-mailadres in, zoals naam@gemeente.nl.")
