"""Scoring: pure functions from answers to scores and maturity levels.

A question scores its option's score divided by the best option's score (0..1);
'weet ik niet' scores 0, exactly like 'nee', and is reported apart as a gap in
knowledge. A domain scores the weighted mean of its answered questions, as
0..100. Unanswered questions are left out of that mean; instead the domain
reports its coverage (the share of its weight that is answered), and below the
questionnaire's `min_coverage` it has no score at all rather than a misleading
one. The overall score is the weighted mean of the domain scores and exists
only when every domain has one.

A score alone does not make a level. A level may require practice: for
"Uitgevoerd en geborgd", at least half of the weight that can be carried out
must be answered as carried out; writing things down is not doing them. When
that requirement is not met, the level is the highest lower one whose
requirement is. Caps then limit the overall level while a precondition is
not shown to be met.

Arithmetic is exact (fractions) and scores are rounded half up to whole
numbers before the level is looked up, so the level always matches the
number shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from .questionnaire import Cap, Domain, Level, Option, Question, Questionnaire, Stage

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
        """0..1 ('weet ik niet' is 0), or None when the question is not answered."""
        return None if self.option is None else self.question.points[self.option.value]

    @property
    def stage_rank(self) -> int:
        """The practice the answer claims (0: none)."""
        return self.option.stage.rank if self.option is not None and self.option.stage else 0


@dataclass(frozen=True)
class HeldBack:
    """The score fell in `level`'s range, but only `share` of the practice its requirement asks for was shown."""

    level: Level
    share: Fraction

    @property
    def percentage(self) -> int:
        return round_half_up(100 * self.share)


@dataclass(frozen=True)
class DomainResult:
    domain: Domain
    questions: tuple[QuestionResult, ...]
    exact_score: Fraction | None  # 0..100, None when coverage is too low
    coverage: Fraction
    level: Level | None
    gap_below: Fraction
    held_back: HeldBack | None = None
    unknown_share: Fraction = Fraction(0)  # share of the domain's weight answered 'weet ik niet'
    rests_on_unknowns: bool = False  # so many unknowns that the level says little

    @property
    def strengths(self) -> tuple[QuestionResult, ...]:
        """What goes well: known answers at or above the gap threshold."""
        return tuple(q for q in self.questions if q.points is not None and not q.unknown and q.points >= self.gap_below)

    @property
    def gaps(self) -> tuple[QuestionResult, ...]:
        """What is missing in policy: known answers below the threshold."""
        return tuple(q for q in self.questions if q.points is not None and not q.unknown and q.points < self.gap_below)

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
    held_back: HeldBack | None = None

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

    def question(self, question_id: str) -> QuestionResult:
        return next(q for q in self.questions if q.question.id == question_id)


def round_half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def _fraction(value: float) -> Fraction:
    return Fraction(value).limit_denominator(1000)


def score_question(question: Question, value: str | None) -> QuestionResult:
    if value is None:
        return QuestionResult(question, None)
    option = question.option(value)
    if option is None:
        raise ValueError(f"question {question.id!r} has no option {value!r}")
    return QuestionResult(question, option)


Weighted = Iterable[tuple[Fraction, QuestionResult]]


def practice_share(weighted: Weighted, stage: Stage) -> Fraction:
    """Of the weight whose question can reach `stage`, the share answered at it or higher (1 when none can)."""
    possible = reached = Fraction(0)
    for weight, result in weighted:
        if result.question.top_stage_rank >= stage.rank:
            possible += weight
            if result.stage_rank >= stage.rank:
                reached += weight
    return reached / possible if possible else Fraction(1)


def practised_level(questionnaire: Questionnaire, score: int, weighted: Weighted) -> tuple[Level, HeldBack | None]:
    """The level of `score`, lowered until its practice requirement is met."""
    weighted = list(weighted)
    level, held_back = questionnaire.level_for(score), None
    while level.requires is not None:
        share = practice_share(weighted, level.requires.stage)
        if share >= _fraction(level.requires.share):
            break
        held_back = held_back or HeldBack(level, share)
        level = questionnaire.levels[level.rank - 2]
    return level, held_back


def score_domain(questionnaire: Questionnaire, domain: Domain, answers: Answers) -> DomainResult:
    results = tuple(score_question(q, answers.get(q.id)) for q in domain.questions)
    total_weight = sum(Fraction(q.weight) for q in domain.questions)
    weighted = [(Fraction(r.question.weight) / total_weight, r) for r in results]
    answered = [(w, r.points) for w, r in weighted if r.points is not None]
    coverage = sum((w for w, _ in answered), Fraction(0))
    exact = level = held_back = None
    if answered and coverage >= _fraction(questionnaire.scoring.min_coverage):
        exact = 100 * sum(w * p for w, p in answered) / coverage
        level, held_back = practised_level(questionnaire, round_half_up(exact), weighted)
    unknown_share = sum((w for w, r in weighted if r.unknown), Fraction(0))
    rests_on_unknowns = unknown_share > 0 and unknown_share >= _fraction(questionnaire.scoring.unknown_warning)
    return DomainResult(
        domain,
        results,
        exact,
        coverage,
        level,
        _fraction(questionnaire.scoring.gap_below),
        held_back,
        unknown_share,
        rests_on_unknowns,
    )


def overall_weights(
    questionnaire: Questionnaire, domains: tuple[DomainResult, ...]
) -> list[tuple[Fraction, QuestionResult]]:
    """Every question's share of the overall score."""
    total = sum(Fraction(d.domain.weight) for d in domains)
    weighted = []
    for d in domains:
        domain_total = sum(Fraction(q.question.weight) for q in d.questions)
        share = Fraction(d.domain.weight) / total
        weighted.extend((share * Fraction(q.question.weight) / domain_total, q) for q in d.questions)
    return weighted


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
    level, held_back = practised_level(questionnaire, overall, overall_weights(questionnaire, domains))
    applied = tuple(cap for cap in questionnaire.caps if _cap_applies(questionnaire, cap, answers, level))
    for cap in applied:
        capped = questionnaire.level(cap.max_level)
        level = min(level, capped, key=lambda lv: lv.rank)
    return Result(questionnaire, domains, overall, level, applied, held_back)


def cap_met(questionnaire: Questionnaire, cap: Cap, answers: Answers) -> bool:
    """Whether the precondition is shown: answered, known, and at least `below`."""
    option = questionnaire.question(cap.question_id).option(answers.get(cap.question_id, ""))
    return option is not None and not option.unknown and option.score >= cap.below


def _cap_applies(questionnaire: Questionnaire, cap: Cap, answers: Answers, level: Level) -> bool:
    return not cap_met(questionnaire, cap, answers) and level.rank > questionnaire.level(cap.max_level).rank
