"""An adviser's feedback on a submitted check."""

from __future__ import annotations

from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from selfcheck.web.forms import COMMENT_MAX, Form, strip


class FeedbackForm(Form):
    domain_id = SelectField("Over", choices=[], validate_choice=True)
    text = TextAreaField(
        "Feedback",
        validators=[
            DataRequired("Schrijf uw feedback."),
            Length(max=COMMENT_MAX, message=f"Feedback is maximaal {COMMENT_MAX} tekens lang."),
        ],
        filters=[strip],
    )
