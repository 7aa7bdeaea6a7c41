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
    minors = IntegerField(
        "Aantal minderjarigen (0 tot 18 jaar)",
        validators=[Optional(), NumberRange(min=0, max=500_000, message="Vul een aantal tussen 0 en 500.000 in.")],
    )
    minors_year = IntegerField(
        "Peiljaar van dat aantal",
        validators=[Optional(), NumberRange(min=1990, max=2100, message="Vul een jaartal in, zoals 2024.")],
    )

    def validate_minors(self, field):
        if field.data is not None and self.inhabitants.data is not None and field.data > self.inhabitants.data:
            raise ValidationError("Er kunnen niet meer minderjarigen dan inwoners zijn.")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # An empty field stops its own validators (Optional), so the pair is checked here.
        if self.minors.data is not None and self.minors_year.data is None and not self.minors_year.errors:
            self.minors_year.errors.append("Vul het jaar in waar het aantal minderjarigen over gaat.")
            valid = False
        return valid


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
