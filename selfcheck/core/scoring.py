"""Scoring: pure functions from answers to scores and maturity levels.

A question scores its option's score divided by the best option's score (0..1).
A domain scores the weighted mean of its scored questions, as 0..100. 'Weet ik
niet' and unanswered questions are left out of that mean, never counted as
zero; instead the domain reports its coverage (the share of its weight that
has a scored answer), and below the questionnaire's `min_coverage` it has no
score at all rather than a misleading one. The overall score is the weighted
mean of the domain scores and exists only when every domain has one.

Arithmetic is exact (fractions) and scores are rounded half up to whole
numbers before the level is looked up, so the level always matches the
number shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from .questionnaire import Cap, Domain, Level, Option, Question, Questionnaire

Answers = Mapping[str, str]  # question id -> option value


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    option: Option | None  # None: not answered

    @property
    def answered(self) -> bool:
        return self.option is not None

    @property
    def unknown(self) -> bool:
        return self.option is not None and self.option.unknown

    @property
    def points(self) -> Fraction | None:
        """0..1, or None when there is no scored answer."""
        return None if self.option is None else self.question.points.get(self.option.value)


@dataclass(frozen=True)
class DomainResult:
    domain: Domain
    questions: tuple[QuestionResult, ...]
    exact_score: Fraction | None  # 0..100, None when coverage is too low
    coverage: Fraction
    level: Level | None
    gap_below: Fraction

    @property
    def strengths(self) -> tuple[QuestionResult, ...]:
        """What goes well: scored answers at or above the gap threshold."""
        return tuple(q for q in self.questions if q.points is not None and q.points >= self.gap_below)

    @property
    def gaps(self) -> tuple[QuestionResult, ...]:
        """What is missing in policy: scored answers below the threshold."""
        return tuple(q for q in self.questions if q.points is not None and q.points < self.gap_below)

    @property
    def unknowns(self) -> tuple[QuestionResult, ...]:
        """Gaps in knowledge: 'weet ik niet'."""
        return tuple(q for q in self.questions if q.unknown)

    @property
    def score(self) -> int | None:
        return None if self.exact_score is None else round_half_up(self.exact_score)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def answered(self) -> int:
        return sum(q.answered for q in self.questions)

    @property
    def unknown(self) -> int:
        return sum(q.unknown for q in self.questions)


@dataclass(frozen=True)
class Result:
    questionnaire: Questionnaire
    domains: tuple[DomainResult, ...]
    score: int | None
    level: Level | None
    caps: tuple[Cap, ...]  # caps that lowered the overall level

    @property
    def questions(self) -> tuple[QuestionResult, ...]:
        return tuple(q for d in self.domains for q in d.questions)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.domains)

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.domains)

    @property
    def unknown(self) -> int:
        return sum(d.unknown for d in self.domains)

    @property
    def completeness(self) -> int:
        """Share of questions answered ('weet ik niet' included), 0..100."""
        return round_half_up(Fraction(100 * self.answered, self.total)) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    def domain(self, domain_id: str) -> DomainResult:
        return next(d for d in self.domains if d.domain.id == domain_id)


def round_half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def score_question(question: Question, value: str | None) -> QuestionResult:
    if value is None:
        return QuestionResult(question, None)
    option = question.option(value)
    if option is None:
        raise ValueError(f"question {question.id!r} has no option {value!r}")
    return QuestionResult(question, option)


def score_domain(questionnaire: Questionnaire, domain: Domain, answers: Answers) -> DomainResult:
    results = tuple(score_question(q, answers.get(q.id)) for q in domain.questions)
    total_weight = sum(Fraction(q.weight) for q in domain.questions)
    scored = [(Fraction(r.question.weight), r.points) for r in results if r.points is not None]
    scored_weight = sum(w for w, _ in scored)
    coverage = scored_weight / total_weight if total_weight else Fraction(0)
    exact = None
    if scored and coverage >= Fraction(questionnaire.min_coverage).limit_denominator(1000):
        exact = 100 * sum(w * p for w, p in scored) / scored_weight
    level = None if exact is None else questionnaire.level_for(round_half_up(exact))
    gap_below = Fraction(questionnaire.gap_below).limit_denominator(1000)
    return DomainResult(domain, results, exact, coverage, level, gap_below)


def score(questionnaire: Questionnaire, answers: Answers) -> Result:
    """Score a whole assessment. Unknown question ids or option values raise ValueError."""
    unknown_ids = set(answers) - {q.id for q in questionnaire.questions}
    if unknown_ids:
        raise ValueError(f"unknown question ids: {sorted(unknown_ids)}")
    domains = tuple(score_domain(questionnaire, d, answers) for d in questionnaire.domains)
    if any(d.exact_score is None for d in domains):
        return Result(questionnaire, domains, None, None, ())
    total_weight = sum(Fraction(d.domain.weight) for d in domains)
    exact = sum(Fraction(d.domain.weight) * d.exact_score for d in domains) / total_weight
    overall = round_half_up(exact)
    level = questionnaire.level_for(overall)
    applied = tuple(cap for cap in questionnaire.caps if _cap_applies(questionnaire, cap, answers, level))
    for cap in applied:
        capped = questionnaire.level(cap.max_level)
        level = min(level, capped, key=lambda lv: lv.rank)
    return Result(questionnaire, domains, overall, level, applied)


def _cap_applies(questionnaire: Questionnaire, cap: Cap, answers: Answers, level: Level) -> bool:
    option = questionnaire.question(cap.question_id).option(answers.get(cap.question_id, ""))
    if option is None or option.unknown:
        return False
    return option.score < cap.below and level.rank > questionnaire.level(cap.max_level).rank
