"""Recommendations: which advice from the questionnaire applies to a result, why, and in what order.

Pure: takes a scoring Result, returns Advice ranked by impact. Preconditions of a
cap come first; then what the advice can add to the overall score (each named
question's share of the overall score times the part of it still missing);
then the file's priority. Only the first `top_priority_max` items keep the top
priority, so no gemeente is told that everything is urgent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .questionnaire import (
    AnswerIs,
    AnyUnknown,
    Condition,
    DomainLevelIn,
    Level,
    Option,
    Question,
    Recommendation,
    StageIs,
    UnknownAtLeast,
)
from .scoring import Result, cap_met, overall_weights


@dataclass(frozen=True)
class Reason:
    """One answer (or fact) that made a recommendation fire.

    Exactly one of the three shapes is filled: an answer (question and option),
    a domain level, or a count of 'weet ik niet' answers.
    """

    question: Question | None = None
    option: Option | None = None
    level: Level | None = None
    unknown_count: int | None = None
    given: bool = False  # a precondition the advice builds on (e.g. there is a regievoerder), not a gap

    @property
    def find_out(self) -> str:
        """The question's first step when the answer is 'weet ik niet'."""
        return self.question.find_out if self.question and self.option and self.option.unknown else ""


@dataclass(frozen=True)
class Advice:
    recommendation: Recommendation
    reasons: tuple[Reason, ...]
    priority: int  # after ranking: the file's priority, or lower when the top is full
    priority_label: str
    precondition: bool = False  # speaks to a cap's precondition that is not met
    impact: Fraction = Fraction(0)  # points of the overall score (0..100) it can win

    @property
    def finding_out(self) -> bool:
        """Advice to find out first: every reason is a 'weet ik niet'."""
        return all(r.find_out for r in self.reasons)


def _reasons(condition: Condition, recommendation: Recommendation, result: Result) -> list[Reason]:
    domain = result.domain(recommendation.domain_id)
    match condition:
        case AnswerIs(question_id, values):
            answered = result.question(question_id)
            if answered.option is not None and answered.option.value in values:
                # a condition that accepts the question's best answer asks for something in place
                given = any(
                    (o := answered.question.option(v)) and o.score == answered.question.max_score for v in values
                )
                return [Reason(question=answered.question, option=answered.option, given=given)]
            return []
        case DomainLevelIn(levels):
            return [Reason(level=domain.level)] if domain.level is not None and domain.level.id in levels else []
        case StageIs(stage):
            return [
                Reason(question=q.question, option=q.option)
                for q in domain.questions
                if q.option is not None and q.option.stage is not None and q.option.stage.id == stage
            ]
        case AnyUnknown():
            return [Reason(question=q.question, option=q.option) for q in domain.unknowns]
        case UnknownAtLeast(count):
            return [Reason(unknown_count=result.unknown)] if result.unknown >= count else []
    raise TypeError(condition)


def reasons_for(recommendation: Recommendation, result: Result) -> tuple[Reason, ...]:
    """Why the recommendation fires; empty when it does not."""
    found = [_reasons(c, recommendation, result) for c in recommendation.when.conditions]
    fires = all(found) if recommendation.when.all else any(found)
    return tuple(r for reasons in found for r in reasons) if fires else ()


def recommend(result: Result) -> list[Advice]:
    """The recommendations that fire, most important first."""
    questionnaire = result.questionnaire
    answers = {q.question.id: q.option.value for q in result.questions if q.option is not None}
    unmet = {c.question_id for c in questionnaire.caps if not cap_met(questionnaire, c, answers)}
    share = {q.question.id: w for w, q in overall_weights(questionnaire, result.domains)}
    domain_rank = {d.id: i for i, d in enumerate(questionnaire.domains)}
    ranked = []
    for position, recommendation in enumerate(questionnaire.recommendations):
        reasons = reasons_for(recommendation, result)
        if not reasons:
            continue
        named = {r.question.id: result.question(r.question.id) for r in reasons if r.question and not r.given}
        impact = 100 * sum((share[qid] * (1 - (q.points or 0)) for qid, q in named.items()), Fraction(0))
        precondition = bool(unmet & named.keys())
        key = (not precondition, -impact, recommendation.priority, domain_rank[recommendation.domain_id], position)
        ranked.append((key, recommendation, reasons, precondition, impact))
    ranked.sort(key=lambda item: item[0])

    levels = sorted(questionnaire.priorities) or [1]
    limit = questionnaire.scoring.top_priority_max
    advice, at_top = [], 0
    for _, recommendation, reasons, precondition, impact in ranked:
        priority = recommendation.priority
        if priority == levels[0] and limit:
            at_top += 1
            if at_top > limit and len(levels) > 1:
                priority = levels[1]
        label = questionnaire.priorities.get(priority, str(priority))
        advice.append(Advice(recommendation, reasons, priority, label, precondition, impact))
    return advice


def start_package(advice: Sequence[Advice], size: int) -> tuple[Advice, ...]:
    """The first `size` items of the ranking, from different domains and with at most one "find out
    first" (three inventories are not yet a plan), relaxing those wishes only when the ranking runs out."""
    chosen: list[Advice] = []

    def fits(item: Advice, spread: bool, one_inventory: bool) -> bool:
        return not (
            item in chosen
            or (spread and any(c.recommendation.domain_id == item.recommendation.domain_id for c in chosen))
            or (one_inventory and item.finding_out and any(c.finding_out for c in chosen))
        )

    for spread, one_inventory in ((True, True), (False, True), (False, False)):
        for item in advice:
            if len(chosen) < size and fits(item, spread, one_inventory):
                chosen.append(item)
    return tuple(sorted(chosen, key=list(advice).index))
