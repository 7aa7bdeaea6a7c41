"""Beheer: gemeenten, the CBS import, accounts, and finding respondents."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from selfcheck.enums import GEMEENTE_ROLES, Role
from selfcheck.web.forms import Form, email_address, strip


class GemeenteForm(Form):
    code = StringField(
        "CBS-code",
        validators=[
            DataRequired("Vul de CBS-code in."),
            Regexp(r"^GM\d{4}$", message="Een CBS-code is GM met vier cijfers, zoals GM0758."),
        ],
        filters=[lambda v: strip(v).upper()],
    )
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120)], filters=[strip])
    province = StringField("Provincie", validators=[Length(max=60)], filters=[strip])
    jeugdregio = StringField("Jeugdregio", validators=[Length(max=120)], filters=[strip])
    inhabitants = IntegerField(
        "Aantal inwoners",
        validators=[Optional(), NumberRange(min=0, max=2_000_000, message="Vul een aantal tussen 0 en 2.000.000 in.")],
    )


class ImportForm(Form):
    file = FileField(
        "CSV-bestand van het CBS",
        validators=[FileRequired("Kies een bestand."), FileAllowed(["csv", "txt"], "Alleen CSV-bestanden.")],
    )


CHOOSE = -1  # the gemeente list's "Kies een gemeente": no choice made yet


class UserForm(Form):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120)], filters=[strip])
    email = EmailField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."), email_address])
    role = SelectField("Rol", choices=[SelectChoice(value, label) for value, label in Role.choices()])
    gemeente_id = SelectField("Gemeente", coerce=int, choices=[])
    active = BooleanField("Actief", default=True)

    def validate_gemeente_id(self, field):
        if self.role.data in GEMEENTE_ROLES and field.data in (CHOOSE, 0):
            raise ValidationError("Kies de gemeente van deze beleidsmedewerker of inkoper.")


class RespondentSearchForm(Form):
    """A search (GET): changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    email = EmailField(
        "E-mailadres van de respondent", validators=[DataRequired("Vul een e-mailadres in."), email_address]
    )
