"""The questionnaire versions an app knows: the current one, and every earlier one a check was filled in with."""

from __future__ import annotations

from pathlib import Path

from selfcheck.core.loader import parse_questionnaire
from selfcheck.core.questionnaire import Questionnaire
from selfcheck.extensions import db
from selfcheck.models import QuestionnaireVersion


class QuestionnaireStore:
    """The current questionnaire plus every earlier one an assessment still refers to."""

    def __init__(self, current: Questionnaire, path: Path):
        self.current = current
        self.source = path.read_text(encoding="utf-8")
        self._by_fingerprint = {current.fingerprint: current}

    def get(self, fingerprint: str) -> Questionnaire:
        if fingerprint not in self._by_fingerprint:
            stored = db.session.get(QuestionnaireVersion, fingerprint)
            self._by_fingerprint[fingerprint] = parse_questionnaire(stored.source)
        return self._by_fingerprint[fingerprint]

    def ensure_current_stored(self) -> QuestionnaireVersion:
        stored = db.session.get(QuestionnaireVersion, self.current.fingerprint)
        if stored is None:
            stored = QuestionnaireVersion(
                fingerprint=self.current.fingerprint, version=self.current.version, source=self.source
            )
            db.session.add(stored)
        return stored
