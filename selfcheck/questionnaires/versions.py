"""The questionnaire versions an app knows: the current one, and every other one stored.

The database holds every version (its full text) and says which is current: the latest one
published and not withdrawn. Every worker asks the database, so a version published on one
instance is current on all at once. The file shipped with the product (`questions.yaml`) is
published when the database first sees it: a release with new content makes it current, while a
version an adviser published later is not undone by a restart.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import bindparam, exc, or_, select

from selfcheck.core.loader import parse_questionnaire
from selfcheck.core.questionnaire import Questionnaire
from selfcheck.extensions import db
from selfcheck.models import QuestionnaireVersion, utcnow

_PUBLISHED = (
    select(QuestionnaireVersion.fingerprint, QuestionnaireVersion.published_at, QuestionnaireVersion.withdrawn_at)
    .where(or_(QuestionnaireVersion.published_at.is_not(None), QuestionnaireVersion.fingerprint == bindparam("fp")))
    .order_by(QuestionnaireVersion.published_at.desc(), QuestionnaireVersion.fingerprint)  # ties: one answer
)


class QuestionnaireStore:
    """Parsed versions by fingerprint (parsed once per process), and which one is current."""

    def __init__(self, shipped: Questionnaire, path: Path):
        self.shipped = shipped
        self.source = path.read_text(encoding="utf-8")
        self._by_fingerprint = {shipped.fingerprint: shipped}
        self._sources = {shipped.fingerprint: self.source}

    @property
    def current(self) -> Questionnaire:
        return self.get(self.current_fingerprint())

    def current_fingerprint(self) -> str:
        """One query: the latest published version; the shipped file while the database has not seen it."""
        rows = db.session.execute(_PUBLISHED, {"fp": self.shipped.fingerprint}).all()
        if not any(fingerprint == self.shipped.fingerprint for fingerprint, _, _ in rows):
            return self.shipped.fingerprint
        return next((f for f, published, withdrawn in rows if published and not withdrawn), self.shipped.fingerprint)

    def get(self, fingerprint: str) -> Questionnaire:
        if fingerprint not in self._by_fingerprint:
            stored = db.session.get(QuestionnaireVersion, fingerprint)
            self._by_fingerprint[fingerprint] = parse_questionnaire(stored.source)
        return self._by_fingerprint[fingerprint]

    def add_parsed(self, questionnaire: Questionnaire, source: str) -> None:
        """Keep a version parsed elsewhere (an upload was validated by parsing it), so it is not parsed twice."""
        self._by_fingerprint.setdefault(questionnaire.fingerprint, questionnaire)
        self._sources.setdefault(questionnaire.fingerprint, source)

    def load_file(self, path: Path) -> Questionnaire:
        """An earlier version shipped as a file (questionnaires/), e.g. for the demo's older checks."""
        source = path.read_text(encoding="utf-8")
        questionnaire = parse_questionnaire(source)
        self.add_parsed(questionnaire, source)
        return self._by_fingerprint[questionnaire.fingerprint]

    def ensure_stored(self, questionnaire: Questionnaire | None = None, published_at: datetime | None = None):
        """The database row of a version this store loaded (default: the current one), added if missing.

        The shipped file, stored for the first time, is published there and then (it was current
        already); so is any version given a `published_at`. No commit."""
        questionnaire = questionnaire or self.current
        self.ensure_shipped()
        stored = db.session.get(QuestionnaireVersion, questionnaire.fingerprint)
        if stored is None:
            stored = QuestionnaireVersion(
                fingerprint=questionnaire.fingerprint,
                version=questionnaire.version,
                source=self._sources[questionnaire.fingerprint],
                published_at=published_at,
            )
            db.session.add(stored)
        return stored

    def ensure_current_stored(self) -> QuestionnaireVersion:
        return self.ensure_stored(self.current)

    def stored(self, fingerprint: str) -> QuestionnaireVersion | None:
        """A version's row; for the shipped file not stored yet, an unsaved one (a page reads it,
        nothing writes it)."""
        stored = db.session.get(QuestionnaireVersion, fingerprint)
        if stored is None and fingerprint == self.shipped.fingerprint:
            now = utcnow()
            stored = QuestionnaireVersion(
                fingerprint=fingerprint,
                version=self.shipped.version,
                source=self.source,
                created_at=now,
                published_at=now,
            )
        return stored

    def ensure_shipped(self) -> QuestionnaireVersion:
        """The shipped file's row, published now when the database has never seen it. No commit.

        Runs before any other version is stored or published, so that a later publication is
        never overtaken by a shipped file that was current only because nobody had stored it yet."""
        fingerprint = self.shipped.fingerprint
        stored = db.session.get(QuestionnaireVersion, fingerprint)
        if stored is None:
            stored = QuestionnaireVersion(
                fingerprint=fingerprint, version=self.shipped.version, source=self.source, published_at=utcnow()
            )
            db.session.add(stored)
            db.session.flush()
        return stored

    def publish_shipped(self) -> None:
        """At start-up: store and publish the shipped file if it is new. Several workers may race;
        the one whose insert loses finds the row there. Before the first `db upgrade` there are no
        tables yet, and nothing to do."""
        try:
            self.ensure_shipped()
            db.session.commit()
        except (exc.IntegrityError, exc.OperationalError, exc.ProgrammingError):
            db.session.rollback()
