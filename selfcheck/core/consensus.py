"""Several respondents: where they disagree, and how each perspective sees each domain.

Pure: works on the questionnaire and plain answer mappings, like scoring and advice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from selfcheck.enums import Perspective

from .questionnaire import Domain, Level, Option, Question, Questionnaire
from .scoring import round_half_up, score


@dataclass(frozen=True)
class RespondentAnswers:
    perspective: str
    answers: Mapping[str, str]  # question id -> option value


# How far apart the scored answers lie, as a share of the scale: up to one step of a four-step
# scale reads as close, two thirds or more of the scale as far apart.
CLOSE = Fraction(1, 3)
FAR = Fraction(2, 3)


@dataclass(frozen=True)
class Disagreement:
    question: Question
    spread: Fraction  # highest minus lowest share of the best score among scored answers, 0..1
    by_perspective: dict[str, list[str]]  # perspective -> option values given
    lowest: Option | None = None  # the lowest and highest scored answers given
    highest: Option | None = None
    unknown: int = 0  # 'weet ik niet' answers
    scored: int = 0  # answers other than 'weet ik niet'

    @property
    def percent(self) -> int:
        return round_half_up(self.spread * 100)

    @property
    def gap(self) -> str:
        """The spread in words a page can say: 'none' (no answers), 'few' (fewer than two to
        compare), 'agree', 'close', 'apart' or 'far'."""
        if not self.scored and not self.unknown:
            return "none"
        if self.scored < 2:
            return "few"
        if self.spread == 0:
            return "agree"
        if self.spread <= CLOSE:
            return "close"
        return "far" if self.spread >= FAR else "apart"


def disagreements(questionnaire: Questionnaire, respondents: Sequence[RespondentAnswers]) -> list[Disagreement]:
    """Every question with its spread between respondents, the largest disagreement first.

    'Weet ik niet' does not count towards the spread; it is listed with the answers.
    """
    result = []
    for position, question in enumerate(questionnaire.questions):
        result.append((position, _disagreement(question, respondents)))
    return [d for _, d in sorted(result, key=lambda item: (-item[1].spread, item[0]))]


def _disagreement(question: Question, respondents: Sequence[RespondentAnswers]) -> Disagreement:
    by_perspective: dict[str, list[str]] = {}
    scored: list[tuple[Fraction, Option]] = []
    unknown = 0
    for respondent in respondents:
        option = question.option(respondent.answers.get(question.id, ""))
        if option is None:
            continue
        by_perspective.setdefault(respondent.perspective, []).append(option.value)
        if option.unknown:
            unknown += 1
        else:
            scored.append((Fraction(option.score) / Fraction(question.max_score), option))
    if not scored:
        return Disagreement(question, Fraction(0), by_perspective, unknown=unknown)
    low = min(scored, key=lambda item: item[0])
    high = max(scored, key=lambda item: item[0])
    return Disagreement(question, high[0] - low[0], by_perspective, low[1], high[1], unknown, len(scored))


@dataclass(frozen=True)
class Item:
    """One question of the consensus worklist."""

    number: str  # "2.3": the domain's step and the question's place in it, as the check's overview says
    disagreement: Disagreement
    chosen: bool  # the gemeente has a final answer

    @property
    def question(self) -> Question:
        return self.disagreement.question


@dataclass(frozen=True)
class DomainWork:
    number: int
    domain: Domain
    items: tuple[Item, ...]

    @property
    def chosen(self) -> int:
        return sum(item.chosen for item in self.items)


@dataclass(frozen=True)
class Worklist:
    """The consensus as work: per domain, in the questionnaire's order, what is chosen and what not."""

    domains: tuple[DomainWork, ...]

    @property
    def items(self) -> list[Item]:
        return [item for domain in self.domains for item in domain.items]

    @property
    def chosen(self) -> int:
        return sum(domain.chosen for domain in self.domains)

    @property
    def total(self) -> int:
        return sum(len(domain.items) for domain in self.domains)

    def item(self, question_id: str) -> Item | None:
        return next((item for item in self.items if item.question.id == question_id), None)

    def domain_of(self, question_id: str) -> DomainWork | None:
        return next((d for d in self.domains if any(i.question.id == question_id for i in d.items)), None)

    def next_open(self, question_id: str) -> Item | None:
        """The first question after this one still to choose, from the top again past the end."""
        items = self.items
        at = next((i for i, item in enumerate(items) if item.question.id == question_id), -1)
        return next((item for item in items[at + 1 :] + items[: at + 1] if not item.chosen), None)

    def furthest_apart(self, limit: int = 5) -> list[Item]:
        """The questions whose answers lie furthest apart (at least 'apart'), largest first."""
        wide = [item for item in self.items if item.disagreement.gap in ("apart", "far")]
        return sorted(wide, key=lambda item: -item.disagreement.spread)[:limit]


def worklist(
    questionnaire: Questionnaire, respondents: Sequence[RespondentAnswers], chosen: Collection[str]
) -> Worklist:
    """`chosen`: the ids of the questions the gemeente has a final answer to."""
    domains = []
    for number, domain in enumerate(questionnaire.domains, start=1):
        items = tuple(
            Item(f"{number}.{place}", _disagreement(question, respondents), question.id in chosen)
            for place, question in enumerate(domain.questions, start=1)
        )
        domains.append(DomainWork(number, domain, items))
    return Worklist(tuple(domains))


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
