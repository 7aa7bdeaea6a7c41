"""WTForms forms. The domain form is built from the questionnaire at runtime."""
from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, Regexp, ValidationError

from selfcheck.models import ROLES
from selfcheck.core.questionnaire import Domain, Questionnaire

COMMENT_MAX = 4000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Form(FlaskForm):
    class Meta:
        locales = ("nl",)  # WTForms' own Dutch messages


def _email(form, field):
    field.data = (field.data or "").strip().lower()
    if not EMAIL.match(field.data):
        raise ValidationError("Vul een geldig e-mailadres in, zoals naam@gemeente.nl.")


class LoginForm(Form):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), _email])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in.")])


class PasswordForm(Form):
    password = PasswordField(
        "Nieuw wachtwoord",
        validators=[DataRequired("Kies een wachtwoord."),
                    Length(min=12, max=200, message="Een wachtwoord heeft minstens 12 tekens.")],
    )
    confirm = PasswordField(
        "Herhaal het wachtwoord",
        validators=[EqualTo("password", message="De wachtwoorden zijn niet gelijk.")],
    )


class NewAssessmentForm(Form):
    year = IntegerField(
        "Jaar",
        validators=[DataRequired("Vul een jaar in."),
                    NumberRange(min=2015, max=date.today().year + 1,
                                message="Kies een jaar tussen %(min)s en %(max)s.")],
    )
    prefill = BooleanField("Neem de antwoorden van de vorige check over", default=True)


class GemeenteForm(Form):
    code = StringField(
        "CBS-code",
        validators=[DataRequired("Vul de CBS-code in."),
                    Regexp(r"^GM\d{4}$", message="Een CBS-code is GM met vier cijfers, zoals GM0758.")],
        filters=[lambda v: (v or "").strip().upper()],
    )
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120)],
                       filters=[lambda v: (v or "").strip()])
    province = StringField("Provincie", validators=[Length(max=60)], filters=[lambda v: (v or "").strip()])
    jeugdregio = StringField("Jeugdregio", validators=[Length(max=120)], filters=[lambda v: (v or "").strip()])
    inhabitants = IntegerField(
        "Aantal inwoners",
        validators=[Optional(), NumberRange(min=0, max=2_000_000, message="Vul een aantal tussen 0 en 2.000.000 in.")],
    )


class ImportForm(Form):
    file = FileField(
        "CSV-bestand van het CBS",
        validators=[FileRequired("Kies een bestand."), FileAllowed(["csv", "txt"], "Alleen CSV-bestanden.")],
    )


class UserForm(Form):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120)],
                       filters=[lambda v: (v or "").strip()])
    email = EmailField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."), _email])
    role = SelectField("Rol", choices=[SelectChoice(v, label) for v, label in ROLES.items()])
    gemeente_id = SelectField("Gemeente", coerce=int, choices=[])
    active = BooleanField("Actief", default=True)

    def validate_gemeente_id(self, field):
        if self.role.data in ("beleidsmedewerker", "inkoper") and not field.data:
            raise ValidationError("Kies de gemeente van deze medewerker.")


class RespondentSearchForm(Form):
    """A search (GET): changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    email = EmailField("E-mailadres van de respondent", validators=[DataRequired("Vul een e-mailadres in."), _email])


class FeedbackForm(Form):
    domain_id = SelectField("Over", choices=[], validate_choice=True)
    text = TextAreaField("Feedback", validators=[DataRequired("Schrijf uw feedback."),
                                                 Length(max=4000, message="Feedback is maximaal 4000 tekens lang.")],
                         filters=[lambda v: (v or "").strip()])


class AnswerField(RadioField):
    """A radio group that may stay empty while the check is a draft."""

    def pre_validate(self, form):
        if self.data is not None:
            super().pre_validate(form)


def answer_field_name(question_id: str) -> str:
    return f"q_{question_id}"


def comment_field_name(question_id: str) -> str:
    return f"c_{question_id}"


_form_classes: dict[tuple[str, str], type[Form]] = {}


def domain_form_class(questionnaire: Questionnaire, domain: Domain) -> type[Form]:
    """One form class per domain page: a radio group and a comment per question."""
    key = (questionnaire.fingerprint, domain.id)
    if key not in _form_classes:
        _form_classes[key] = _build_domain_form(domain)
    return _form_classes[key]


def _build_domain_form(domain: Domain) -> type[Form]:
    fields = {}
    for question in domain.questions:
        fields[answer_field_name(question.id)] = AnswerField(
            question.text,
            choices=[SelectChoice(o.value, o.label) for o in question.options],
            validators=[Optional()],
            invalid_choice_message="Dit antwoord bestaat niet bij deze vraag. Kies een van de antwoorden.",
        )
        fields[comment_field_name(question.id)] = TextAreaField(
            "Toelichting (optioneel)",
            validators=[Length(max=COMMENT_MAX,
                               message=f"Een toelichting is maximaal {COMMENT_MAX} tekens lang.")],
            filters=[lambda v: (v or "").strip()],
        )
    return type(f"{domain.id.title()}Form", (Form,), fields)
