"""Recommendations: which advice from the questionnaire applies to a result, and why.

Pure: takes a scoring Result, returns Advice in the order a reader should act on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .questionnaire import Level, Option, Question, Recommendation
from .scoring import Result


@dataclass(frozen=True)
class Reason:
    """One condition that made a recommendation fire.

    Exactly one of the three shapes is filled: an answer (question and option),
    a domain level, or a count of 'weet ik niet' answers.
    """

    question: Question | None = None
    option: Option | None = None
    level: Level | None = None
    unknown_count: int | None = None


@dataclass(frozen=True)
class Advice:
    recommendation: Recommendation
    reasons: tuple[Reason, ...]
    priority_label: str

    @property
    def priority(self) -> int:
        return self.recommendation.priority


def reasons_for(recommendation: Recommendation, result: Result) -> tuple[Reason, ...]:
    when = recommendation.when
    reasons = []
    for question_id, values in when.answers:
        answered = next(q for q in result.questions if q.question.id == question_id)
        if answered.option is not None and answered.option.value in values:
            reasons.append(Reason(question=answered.question, option=answered.option))
    level = result.domain(recommendation.domain_id).level
    if level is not None and level.id in when.levels:
        reasons.append(Reason(level=level))
    if when.unknown_at_least is not None and result.unknown >= when.unknown_at_least:
        reasons.append(Reason(unknown_count=result.unknown))
    return tuple(reasons)


def recommend(result: Result) -> list[Advice]:
    """The recommendations that fire, by priority, then domain order, then file order."""
    questionnaire = result.questionnaire
    domain_rank = {d.id: i for i, d in enumerate(questionnaire.domains)}
    fired = []
    for position, recommendation in enumerate(questionnaire.recommendations):
        reasons = reasons_for(recommendation, result)
        if reasons:
            label = questionnaire.priorities.get(recommendation.priority, str(recommendation.priority))
            key = (recommendation.priority, domain_rank[recommendation.domain_id], position)
            fired.append((key, Advice(recommendation, reasons, label)))
    return [advice for _, advice in sorted(fired, key=lambda item: item[0])]
