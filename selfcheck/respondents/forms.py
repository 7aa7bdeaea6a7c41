"""Inviting a respondent, and the owner's reason for a final answer."""

from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from selfcheck.enums import Perspective
from selfcheck.web.forms import COMMENT_MAX, Form, email_address, strip


class InviteForm(Form):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120)], filters=[strip])
    email = StringField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."), email_address])
    perspective = SelectField("Perspectief", choices=[SelectChoice(v, label) for v, label in Perspective.choices()])
    domains = SelectMultipleField(
        "Domeinen", option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False), validators=[Optional()]
    )


class FinalAnswerForm(Form):
    reason = TextAreaField("Waarom dit antwoord?", validators=[Length(max=COMMENT_MAX)], filters=[strip])


class NewLinkForm(Form):
    email = StringField("Uw e-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), email_address])
