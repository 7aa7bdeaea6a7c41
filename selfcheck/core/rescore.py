"""The effect of a new questionnaire version on real results: submitted checks re-scored on it.

Pure. Each check's answers on the old version are scored there, carried over to the new version the
way a pre-filled check would get them (`carryover`), and scored again; per domain of the new version
(domains pair by id) and overall, the level moves up, stays, moves down, or cannot be compared
because one side has no level (too few answers, for instance after reopened questions).

The levels come from `LevelScorer`, which follows `scoring.score` rule for rule (coverage, rounding
half up, practice requirements, caps) in whole numbers worked out once per version: `scoring.score`
builds the full result in fractions, about a millisecond a check, which for a few hundred checks on
two versions is most of a second. tests/test_rescore.py holds the two to the same levels on
generated answers, on the fixture pair and on the real versions.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

from .carryover import Carrier, comparable
from .questionnaire import Level, Questionnaire

Values = Mapping[str, tuple[str | None, str]]  # question id -> (option value or None, comment), as stored


def _fraction(value: float) -> Fraction:
    return Fraction(value).limit_denominator(1000)  # as scoring does for settings and shares


class LevelScorer:
    """The overall level and each domain's level of a set of answers, as `scoring.score` gives them."""

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.levels = questionnaire.levels
        self._mins = [lv.min for lv in questionnaire.levels]
        self._requires = [
            (lv.requires.stage.rank, _fraction(lv.requires.share)) if lv.requires else None
            for lv in questionnaire.levels
        ]
        self._min_coverage = _fraction(questionnaire.scoring.min_coverage)
        domains = questionnaire.domains
        self.domain_ids = tuple(d.id for d in domains)
        self._stage_count = max((s.rank for s in questionnaire.stages), default=0)
        domain_total = Fraction(sum(Fraction(d.weight) for d in domains))
        # Per domain: every weight, and every weight times an answer's points, as whole numbers over
        # one denominator; overall: each question's share of the total, likewise.
        self._options: dict[tuple[str, str], tuple[int, int, int, int, int]] = {}
        self._totals, self._possible = [], []
        overall_shares: dict[str, Fraction] = {}
        for index, domain in enumerate(domains):
            weights = {q.id: Fraction(q.weight) for q in domain.questions}
            total = sum(weights.values(), Fraction(0))
            scale = lcm(*(w.denominator for w in weights.values()))
            for q in domain.questions:
                scale = lcm(scale, *((weights[q.id] * p).denominator for p in q.points.values()))
                overall_shares[q.id] = Fraction(domain.weight) / domain_total * weights[q.id] / total
            self._totals.append(int(total * scale))
            self._possible.append(self._possible_by_stage(domain.questions, weights, scale))
            for q in domain.questions:
                for option in q.options:
                    self._options[q.id, option.value] = (
                        index,
                        int(weights[q.id] * scale),
                        int(weights[q.id] * q.points[option.value] * scale),
                        option.stage.rank if option.stage else 0,
                        0,  # the overall share, set below
                    )
        overall_scale = lcm(*(s.denominator for s in overall_shares.values())) if overall_shares else 1
        for (question_id, value), entry in self._options.items():
            self._options[question_id, value] = (*entry[:4], int(overall_shares[question_id] * overall_scale))
        self._overall_possible = self._possible_by_stage(
            questionnaire.questions, {q: s * overall_scale for q, s in overall_shares.items()}, 1
        )
        self._domain_weights = [Fraction(d.weight) for d in domains]
        self._domain_weight_total = sum(self._domain_weights, Fraction(0))
        # a cap is met by the answers that are known and score at least its threshold
        self._caps = []
        for cap in questionnaire.caps:
            question = questionnaire.question(cap.question_id)
            met = frozenset(o.value for o in question.options if not o.unknown and o.score >= cap.below)
            self._caps.append((cap.question_id, met, questionnaire.level(cap.max_level).rank))

    def _possible_by_stage(self, questions, weights, scale) -> list[int]:
        """Per stage rank (index 1..), the weight whose question can reach that stage."""
        possible = [0] * (self._stage_count + 1)
        for q in questions:
            for rank in range(1, q.top_stage_rank + 1):
                possible[rank] += int(weights[q.id] * scale)
        return possible

    def _level(self, score: int, reached: list[int], possible: list[int]) -> Level:
        """The level of `score`, lowered while its practice requirement is not met (scoring.practised_level)."""
        index = bisect_right(self._mins, score) - 1
        position = max(0, min(index, len(self.levels) - 1))
        while (requires := self._requires[position]) is not None:
            rank, share = requires
            if possible[rank] == 0:  # nothing can reach the stage: the share counts as 1
                if share <= 1:
                    break
            elif reached[rank] * share.denominator >= share.numerator * possible[rank]:
                break
            position -= 1
        return self.levels[position]

    def levels_of(self, answers: Mapping[str, str]) -> tuple[Level | None, tuple[Level | None, ...]]:
        """(overall level, each domain's level in the questionnaire's order); None: no level.

        Answers to questions or with values the version does not know are left out (scoring.score
        would refuse them)."""
        count = len(self.domain_ids)
        answered, points = [0] * count, [0] * count
        reached = [[0] * (self._stage_count + 1) for _ in range(count)]
        overall_reached = [0] * (self._stage_count + 1)
        options = self._options
        for key in answers.items():
            entry = options.get(key)
            if entry is None:
                continue
            index, weight, weighted_points, stage_rank, share = entry
            answered[index] += weight
            points[index] += weighted_points
            for rank in range(1, stage_rank + 1):
                reached[index][rank] += weight
                overall_reached[rank] += share
        domain_levels: list[Level | None] = []
        exact_total, complete = Fraction(0), True
        coverage = self._min_coverage
        for index in range(count):
            a, b = answered[index], points[index]
            if a == 0 or a * coverage.denominator < coverage.numerator * self._totals[index]:
                domain_levels.append(None)
                complete = False
                continue
            domain_levels.append(self._level((200 * b + a) // (2 * a), reached[index], self._possible[index]))
            if complete:
                exact_total += self._domain_weights[index] * Fraction(100 * b, a)
        if not complete:
            return None, tuple(domain_levels)
        exact = exact_total / self._domain_weight_total
        overall = self._level(
            (2 * exact.numerator + exact.denominator) // (2 * exact.denominator),
            overall_reached,
            self._overall_possible,
        )
        rank = overall.rank
        for question_id, met, cap_rank in self._caps:
            if answers.get(question_id) not in met and cap_rank < rank:
                rank = cap_rank
        return self.levels[rank - 1], tuple(domain_levels)


@dataclass(frozen=True)
class Count:
    """How many checks move up, stay, move down, cannot be compared, or have no old counterpart."""

    up: int = 0
    same: int = 0
    down: int = 0
    unscored: int = 0  # either side has no level
    new: int = 0  # a domain the old version did not have

    @property
    def total(self) -> int:
        return self.up + self.same + self.down + self.unscored + self.new


@dataclass(frozen=True)
class DomainMoves(Count):
    """The moves of one domain of the new version."""

    domain_id: str = ""
    title: str = ""  # the new version's
    is_new: bool = False  # no domain with this id in the old version: every check counts as `new`


@dataclass(frozen=True)
class CheckMove:
    """One check before and after: level ids and per domain id the level's rank (None: no level)."""

    old_level: str | None
    new_level: str | None
    old_ranks: tuple[tuple[str, int | None], ...]  # (old domain id, rank)
    new_ranks: tuple[tuple[str, int | None], ...]  # (new domain id, rank)


@dataclass(frozen=True)
class Moves:
    comparable: bool  # False: the versions are neither the same nor mapped, and nothing was scored
    checks: int
    overall: Count
    domains: tuple[DomainMoves, ...]  # in the new version's order
    rows: tuple[CheckMove, ...]  # per check, in the order given
    old_version: str = ""
    new_version: str = ""

    def domain(self, domain_id: str) -> DomainMoves:
        return next(d for d in self.domains if d.domain_id == domain_id)


def _compare(before: int | None, after: int | None, tally: dict[str, int]) -> None:
    if before is None or after is None:
        tally["unscored"] += 1
    elif after > before:
        tally["up"] += 1
    elif after < before:
        tally["down"] += 1
    else:
        tally["same"] += 1


def level_moves(old: Questionnaire, new: Questionnaire, checks: Iterable[Values]) -> Moves:
    """How the levels of `checks` (answers on `old`, as stored) would move on `new`."""
    checks = list(checks)
    if not comparable(old, new):
        return Moves(
            False,
            len(checks),
            Count(),
            tuple(DomainMoves(domain_id=d.id, title=d.title, is_new=old.domain(d.id) is None) for d in new.domains),
            (),
            old.version,
            new.version,
        )
    carrier, before, after = Carrier(old, new), LevelScorer(old), LevelScorer(new)
    old_index = {domain_id: i for i, domain_id in enumerate(before.domain_ids)}
    pairs = [(i, old_index.get(domain_id)) for i, domain_id in enumerate(after.domain_ids)]
    overall = dict.fromkeys(("up", "same", "down", "unscored", "new"), 0)
    tallies = [dict(overall) for _ in pairs]
    rows = []
    for values in checks:
        old_level, old_domains = before.levels_of({q: v for q, (v, _) in values.items() if v is not None})
        carried = carrier(values)
        new_level, new_domains = after.levels_of({q: v for q, (v, _) in carried.items() if v is not None})
        old_ranks = [lv.rank if lv else None for lv in old_domains]
        new_ranks = [lv.rank if lv else None for lv in new_domains]
        _compare(old_level and old_level.rank, new_level and new_level.rank, overall)
        for (new_i, old_i), tally in zip(pairs, tallies):
            if old_i is None:
                tally["new"] += 1
            else:
                _compare(old_ranks[old_i], new_ranks[new_i], tally)
        rows.append(
            CheckMove(
                old_level.id if old_level else None,
                new_level.id if new_level else None,
                tuple(zip(before.domain_ids, old_ranks)),
                tuple(zip(after.domain_ids, new_ranks)),
            )
        )
    domains = tuple(
        DomainMoves(**tally, domain_id=d.id, title=d.title, is_new=old_i is None)
        for d, (_, old_i), tally in zip(new.domains, pairs, tallies)
    )
    return Moves(True, len(checks), Count(**overall), domains, tuple(rows), old.version, new.version)
