"""Starting a check, and the domain form built from the questionnaire at runtime."""

from __future__ import annotations

from datetime import date

from wtforms import BooleanField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from selfcheck.core.questionnaire import Domain, Questionnaire
from selfcheck.web.forms import COMMENT_MAX, Form, strip


class NewAssessmentForm(Form):
    year = IntegerField(
        "Jaar",
        validators=[
            DataRequired("Vul een jaar in."),
            NumberRange(min=2015, max=date.today().year + 1, message="Kies een jaar tussen %(min)s en %(max)s."),
        ],
    )
    prefill = BooleanField("Neem de antwoorden van de vorige check over", default=True)


class AnswerField(RadioField):
    """A radio group that may stay empty while the check is a draft.

    Left empty, a browser sends nothing and the answer is None. Anything that is sent, an empty
    value (`q_<id>=`) included, must be one of the question's options; there is deliberately no
    Optional() validator, which would clear that error again."""

    def pre_validate(self, form):
        if self.data is not None:
            super().pre_validate(form)


def answer_field_name(question_id: str) -> str:
    return f"q_{question_id}"


def comment_field_name(question_id: str) -> str:
    return f"c_{question_id}"


_form_classes: dict[tuple[str, str], type[Form]] = {}


def domain_form_class(questionnaire: Questionnaire, domain: Domain) -> type[Form]:
    """One form class per domain page, built once: a radio group and a comment per question."""
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
            invalid_choice_message="Dit antwoord bestaat niet bij deze vraag. Kies een van de antwoorden.",
        )
        fields[comment_field_name(question.id)] = TextAreaField(
            "Toelichting (optioneel)",
            validators=[Length(max=COMMENT_MAX, message=f"Een toelichting is maximaal {COMMENT_MAX} tekens lang.")],
            filters=[strip],
        )
    return type(f"{domain.id.title()}Form", (Form,), fields)
