"""The plan's forms: an action, and the focus domains."""

from __future__ import annotations

from wtforms import DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from selfcheck.enums import ActionStatus
from selfcheck.web.forms import COMMENT_MAX, Form, strip


class ActionForm(Form):
    title = StringField(
        "Wat gaat u doen?",
        validators=[DataRequired("Beschrijf de actie."), Length(max=300, message="Houd de actie onder de 300 tekens.")],
        filters=[strip],
    )
    domain = SelectField("Domein", validators=[DataRequired("Kies het domein van de actie.")])
    owner = StringField(
        "Wie is eigenaar?",
        validators=[
            DataRequired("Vul in wie de actie trekt: een naam of een functie."),
            Length(max=120, message="Houd de eigenaar onder de 120 tekens."),
        ],
        filters=[strip],
    )
    partners = StringField(
        "Met welke partners?",
        validators=[Length(max=300, message="Houd de partners onder de 300 tekens.")],
        filters=[strip],
    )
    due = DateField("Klaar op", validators=[Optional()], format=["%Y-%m-%d", "%d-%m-%Y"])
    success = TextAreaField(
        "Waaraan ziet u dat het gelukt is?",
        validators=[Length(max=COMMENT_MAX, message=f"Houd de tekst onder de {COMMENT_MAX} tekens.")],
        filters=[strip],
    )
    status = SelectField(
        "Stand van zaken",
        choices=[SelectChoice(value, label) for value, label in ActionStatus.choices()],
        default=ActionStatus.GEPLAND.value,
    )
    status_note = TextAreaField(
        "Toelichting op de stand",
        validators=[Length(max=COMMENT_MAX, message=f"Houd de toelichting onder de {COMMENT_MAX} tekens.")],
        filters=[strip],
    )
    recommendation = HiddenField()
    # the version the form was filled in on: a later change by someone else is not overwritten
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class FocusForm(Form):
    domains = SelectMultipleField(
        "Domeinen waar u eerst aan werkt", widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
