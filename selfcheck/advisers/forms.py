"""An adviser's feedback on a submitted check."""

from __future__ import annotations

from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from selfcheck.web.forms import COMMENT_MAX, Form, strip


def _on_the_server(validator):
    """The validator without its HTML flags (`required`, `maxlength`): the browser's own English bubble
    would stand in for the Dutch error beside the field, and maxlength silently cuts off a pasted text."""
    validator.field_flags = {}
    return validator


class FeedbackForm(Form):
    domain_id = SelectField("Over", choices=[], validate_choice=True)
    text = TextAreaField(
        "Feedback",
        validators=[
            _on_the_server(DataRequired("Schrijf uw feedback.")),
            _on_the_server(
                Length(
                    max=COMMENT_MAX,
                    message=f"Uw feedback is %(length)d tekens lang; dat mogen er hoogstens {COMMENT_MAX} zijn. "
                    "Maak de tekst korter.",
                )
            ),
        ],
        filters=[strip],
    )
