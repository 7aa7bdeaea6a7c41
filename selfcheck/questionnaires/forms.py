"""Uploading a questionnaire version: a YAML file, or its text edited in the browser."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import TextAreaField

from selfcheck.web.forms import Form


class UploadForm(Form):
    file = FileField("YAML-bestand")
    source = TextAreaField("Of plak of bewerk de tekst van de vragenlijst")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        typed = bool((self.source.data or "").strip())
        if not self.file.data and not typed:
            self.form_errors.append("Kies een YAML-bestand of vul de tekst van de vragenlijst in.")
            return False
        if self.file.data and typed:
            self.form_errors.append(
                "Kies een YAML-bestand óf vul de tekst in, niet allebei: dan is duidelijk wat u uploadt."
            )
            return False
        return True


class ConfirmForm(Form):
    """Publish, withdraw or move: the CSRF token is the whole form."""
