"""Several respondents: where they disagree, and how each perspective sees each domain.

Pure: works on the questionnaire and plain answer mappings, like scoring and advice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from selfcheck.enums import Perspective

from .questionnaire import Level, Question, Questionnaire
from .scoring import round_half_up, score


@dataclass(frozen=True)
class RespondentAnswers:
    perspective: str
    answers: Mapping[str, str]  # question id -> option value


@dataclass(frozen=True)
class Disagreement:
    question: Question
    spread: Fraction  # highest minus lowest share of the best score among scored answers, 0..1
    by_perspective: dict[str, list[str]]  # perspective -> option values given

    @property
    def percent(self) -> int:
        return round_half_up(self.spread * 100)


def disagreements(questionnaire: Questionnaire, respondents: Sequence[RespondentAnswers]) -> list[Disagreement]:
    """Every question with its spread between respondents, the largest disagreement first.

    'Weet ik niet' does not count towards the spread; it is listed with the answers.
    """
    result = []
    for position, question in enumerate(questionnaire.questions):
        by_perspective: dict[str, list[str]] = {}
        points = []
        for respondent in respondents:
            option = question.option(respondent.answers.get(question.id, ""))
            if option is None:
                continue
            by_perspective.setdefault(respondent.perspective, []).append(option.value)
            if not option.unknown:
                points.append(Fraction(option.score) / Fraction(question.max_score))
        spread = max(points) - min(points) if len(points) > 1 else Fraction(0)
        result.append((-spread, position, Disagreement(question, spread, by_perspective)))
    return [d for *_, d in sorted(result, key=lambda item: item[:2])]


@dataclass(frozen=True)
class PerspectiveView:
    perspective: str
    respondents: int
    score: int | None
    level: Level | None


def perspective_spread(
    questionnaire: Questionnaire, respondents: Sequence[RespondentAnswers]
) -> dict[str, list[PerspectiveView]]:
    """Per domain, how each perspective sees it: the mean of its respondents' domain scores."""
    per_domain: dict[str, dict[str, list[Fraction]]] = {d.id: {} for d in questionnaire.domains}
    counts: dict[str, int] = {}
    for respondent in respondents:
        counts[respondent.perspective] = counts.get(respondent.perspective, 0) + 1
        result = score(questionnaire, respondent.answers)
        for domain in result.domains:
            if domain.exact_score is not None:
                per_domain[domain.domain.id].setdefault(respondent.perspective, []).append(domain.exact_score)
    views = {}
    for domain_id, by_perspective in per_domain.items():
        views[domain_id] = []
        for perspective in Perspective:
            if perspective not in counts:
                continue
            scores = by_perspective.get(perspective, [])
            mean = round_half_up(sum(scores) / len(scores)) if scores else None
            views[domain_id].append(
                PerspectiveView(
                    perspective, counts[perspective], mean, questionnaire.level_for(mean) if mean is not None else None
                )
            )
    return views
