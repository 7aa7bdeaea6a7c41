"""Log-in, choosing a password, and asking for a new one."""

from __future__ import annotations

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from selfcheck.web.forms import Form, email_address


class LoginForm(Form):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), email_address])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in.")])


class PasswordForm(Form):
    password = PasswordField(
        "Nieuw wachtwoord",
        validators=[
            DataRequired("Kies een wachtwoord."),
            Length(min=12, max=200, message="Een wachtwoord heeft minstens 12 tekens."),
        ],
    )
    confirm = PasswordField(
        "Herhaal het wachtwoord",
        validators=[EqualTo("password", message="De wachtwoorden zijn niet gelijk.")],
    )


class ForgotPasswordForm(Form):
    email = EmailField("E-mailadres", validators=[DataRequired("Vul uw e-mailadres in."), email_address])
