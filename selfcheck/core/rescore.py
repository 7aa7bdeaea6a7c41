"""The effect of a new questionnaire version on real results: submitted checks re-scored on it.

Pure. Each check's answers on the old version are scored there, carried over to the new version the
way a pre-filled check would get them (`carryover`), and scored again; per domain of the new version
(domains pair by id) and overall, the level moves up, stays, moves down, or cannot be compared
because one side has no level (too few answers, for instance after reopened questions).

The levels come from `scoring.score` itself, so a table can never disagree with a check's own results;
about a millisecond a check and version, so a few hundred gemeenten take well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .carryover import Carrier, comparable
from .questionnaire import Level, Questionnaire
from .scoring import score

Values = Mapping[str, tuple[str | None, str]]  # question id -> (option value or None, comment), as stored


def _levels(questionnaire: Questionnaire, values: Values) -> tuple[Level | None, tuple[Level | None, ...]]:
    """The overall level and each domain's level, exactly as the check's own results give them."""
    result = score(questionnaire, {q: v for q, (v, _) in values.items() if v is not None})
    return result.level, tuple(d.level for d in result.domains)


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
    carrier = Carrier(old, new)
    old_ids, new_ids = [d.id for d in old.domains], [d.id for d in new.domains]
    old_index = {domain_id: i for i, domain_id in enumerate(old_ids)}
    pairs = [(i, old_index.get(domain_id)) for i, domain_id in enumerate(new_ids)]
    overall = dict.fromkeys(("up", "same", "down", "unscored", "new"), 0)
    tallies = [dict(overall) for _ in pairs]
    rows = []
    for values in checks:
        old_level, old_domains = _levels(old, values)
        new_level, new_domains = _levels(new, carrier(values))
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
                tuple(zip(old_ids, old_ranks)),
                tuple(zip(new_ids, new_ranks)),
            )
        )
    domains = tuple(
        DomainMoves(**tally, domain_id=d.id, title=d.title, is_new=old_i is None)
        for d, (_, old_i), tally in zip(new.domains, pairs, tallies)
    )
    return Moves(True, len(checks), Count(**overall), domains, tuple(rows), old.version, new.version)
