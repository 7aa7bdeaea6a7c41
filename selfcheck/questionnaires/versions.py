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
        self._sources = {current.fingerprint: self.source}

    def get(self, fingerprint: str) -> Questionnaire:
        if fingerprint not in self._by_fingerprint:
            stored = db.session.get(QuestionnaireVersion, fingerprint)
            self._by_fingerprint[fingerprint] = parse_questionnaire(stored.source)
        return self._by_fingerprint[fingerprint]

    def load_file(self, path: Path) -> Questionnaire:
        """An earlier version shipped as a file (questionnaires/), e.g. for the demo's older checks."""
        source = path.read_text(encoding="utf-8")
        questionnaire = parse_questionnaire(source)
        self._by_fingerprint.setdefault(questionnaire.fingerprint, questionnaire)
        self._sources.setdefault(questionnaire.fingerprint, source)
        return self._by_fingerprint[questionnaire.fingerprint]

    def ensure_stored(self, questionnaire: Questionnaire | None = None) -> QuestionnaireVersion:
        """The database row of a version this store loaded (default: the current one), added if missing."""
        questionnaire = questionnaire or self.current
        stored = db.session.get(QuestionnaireVersion, questionnaire.fingerprint)
        if stored is None:
            stored = QuestionnaireVersion(
                fingerprint=questionnaire.fingerprint,
                version=questionnaire.version,
                source=self._sources[questionnaire.fingerprint],
            )
            db.session.add(stored)
        return stored

    def ensure_current_stored(self) -> QuestionnaireVersion:
        return self.ensure_stored(self.current)
