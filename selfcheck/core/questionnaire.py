"""The questionnaire model: frozen dataclasses built by the loader.

Pure Python: no Flask, database or PDF code may be imported here.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    score: float | None  # None for the 'weet ik niet' option
    regional: bool = False

    @property
    def unknown(self) -> bool:
        """'Weet ik niet': a gap in knowledge, not in policy."""
        return self.score is None


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    options: tuple[Option, ...]
    source: str
    weight: float = 1.0
    domain_id: str = ""
    requirements: tuple[str, ...] = ()  # contract or subsidy clauses for the procurement annex

    @cached_property
    def max_score(self) -> float:
        return max(o.score for o in self.options if o.score is not None)

    @cached_property
    def points(self) -> dict[str, Fraction]:
        """Each scored option's exact share of the best score (0..1), by option value."""
        best = Fraction(self.max_score)
        return {o.value: Fraction(o.score) / best for o in self.options if o.score is not None}

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    introduction: str
    questions: tuple[Question, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    min: float
    max: float
    description: str
    rank: int  # 1 is the lowest level


@dataclass(frozen=True)
class Cap:
    """The overall level is at most `max_level` while `question` scores below `below`."""

    question_id: str
    below: float
    max_level: str
    reason: str


@dataclass(frozen=True)
class Trigger:
    """When a recommendation fires: any one condition is enough."""

    answers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    levels: tuple[str, ...] = ()
    unknown_at_least: int | None = None


@dataclass(frozen=True)
class Recommendation:
    id: str
    domain_id: str
    title: str
    text: str
    priority: int
    source: str
    when: Trigger


@dataclass(frozen=True)
class Questionnaire:
    version: str
    title: str
    introduction: str
    fingerprint: str
    min_coverage: float
    gap_below: float
    levels: tuple[Level, ...]
    domains: tuple[Domain, ...]
    recommendations: tuple[Recommendation, ...]
    priorities: dict[int, str] = field(default_factory=dict, hash=False, compare=False)
    caps: tuple[Cap, ...] = ()

    # cached_property writes the instance __dict__ directly, which a frozen dataclass allows
    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for d in self.domains for q in d.questions)

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id.get(question_id)

    def domain(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains if d.id == domain_id), None)

    def level(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def level_for(self, score: float) -> Level:
        """The level whose range holds `score` (min inclusive; 100 is in the top level)."""
        index = bisect_right([lv.min for lv in self.levels], score) - 1
        return self.levels[max(0, min(index, len(self.levels) - 1))]
