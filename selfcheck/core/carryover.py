"""Answers across questionnaire versions: what carries over to next year's check, and what compares.

Pure. Two versions with the same version string share their question ids. Otherwise only an explicit
mapping in the newer file (`mapping.from_version`) links them; without one nothing carries over, since
a question id alone does not promise the same meaning.

Through a mapping an old question may be split (its answer goes to each new question, each through
its own options table) and old questions may be merged (the new question gets the translated answer
that scores lowest: the weaker practice wins; if one of them has no answer or no counterpart, the new
question stays open, keeping their comments).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .questionnaire import Question, Questionnaire
from .report import AnsweredQuestion, Report

Values = Mapping[str, tuple[str | None, str]]  # question id -> (option value or None, comment)
COMMENT_JOINER = "\n\n"  # between the comments of merged questions


def same_version(old: Questionnaire, new: Questionnaire) -> bool:
    return old.version == new.version or old.fingerprint == new.fingerprint


def mapped(old: Questionnaire, new: Questionnaire) -> bool:
    """Whether `new` carries a mapping from `old`'s version."""
    return new.mapping is not None and new.mapping.from_version == old.version


def comparable(old: Questionnaire, new: Questionnaire) -> bool:
    """Whether any answer on `old` can mean the same on `new`."""
    return same_version(old, new) or mapped(old, new)


@dataclass(frozen=True)
class Picked:
    """What one new question gets from a check's old answers."""

    value: str | None  # None: the question stays open
    comment: str
    source: str | None  # the old question whose answer decided (or first kept it open); None: none answered


class Carrier:
    """The routes from the old version's questions to the new one's, worked out once for a pair of
    versions, so that many checks carry over without looking anything up again."""

    def __init__(self, old: Questionnaire, new: Questionnaire):
        routes: list[tuple[Question, tuple[tuple[str, Mapping[str, str]], ...]]] = []
        if same_version(old, new):
            for question in new.questions:
                if old.question(question.id) is not None:
                    routes.append((question, ((question.id, {o.value: o.value for o in question.options}),)))
        elif mapped(old, new):
            for question in new.questions:
                sources = new.mapping.sources(question.id)
                if sources:
                    routes.append((question, tuple((e.old, e.table) for e in sources)))
        self.routes = tuple(routes)
        self._by_new = {question.id: (question, sources) for question, sources in self.routes}

    def sources(self, new_question_id: str) -> tuple[str, ...]:
        found = self._by_new.get(new_question_id)
        return tuple(old_id for old_id, _ in found[1]) if found else ()

    def pick(self, new_question_id: str, values: Values) -> Picked | None:
        """The answer `values` (a check on the old version) give the new question; None: no counterpart."""
        found = self._by_new.get(new_question_id)
        return _pick(found[0], found[1], values) if found else None

    def __call__(self, values: Values) -> dict[str, tuple[str | None, str]]:
        carried = {}
        for question, sources in self.routes:
            picked = _pick(question, sources, values)
            if picked.value is not None or picked.comment:
                carried[question.id] = (picked.value, picked.comment)
        return carried


def _pick(question: Question, sources: tuple[tuple[str, Mapping[str, str]], ...], values: Values) -> Picked:
    if len(sources) == 1:  # the common case: one old question, one new
        old_id, table = sources[0]
        value, comment = values.get(old_id, (None, ""))
        return Picked(table.get(value) if value is not None else None, comment, old_id if old_id in values else None)
    translated, comments, reopening = [], [], None
    for old_id, table in sources:
        value, comment = values.get(old_id, (None, ""))
        if comment and comment not in comments:
            comments.append(comment)
        new_value = table.get(value) if value is not None else None
        if new_value is None:
            reopening = reopening or old_id
        else:
            translated.append((new_value, old_id))
    comment = COMMENT_JOINER.join(comments)
    if reopening is not None:
        answered = any(old_id in values for old_id, _ in sources)
        return Picked(None, comment, reopening if answered else None)
    value, old_id = min(translated, key=lambda pair: _strength(question, pair[0]))
    return Picked(value, comment, old_id)


def _strength(question: Question, value: str) -> tuple:
    """How strong an answer is, to find the weakest: its points, then the practice it claims; at equal
    points a known answer counts as weaker than 'weet ik niet' (a known 'nee' beats not knowing)."""
    option = question.option(value)
    return question.points[value], option.stage.rank if option.stage else 0, option.unknown


def translate(
    old: Questionnaire,
    new: Questionnaire,
    question_id: str,
    value: str | None,
    new_question_id: str | None = None,
) -> tuple[str, str | None] | None:
    """The new question id and value for one old answer; value None reopens it; None: no counterpart.

    An old question split in several new ones has several: `new_question_id` picks one (without it the
    mapping's first). This translates one answer on its own; a merged question's value depends on the
    other old answers too, which `carry_over` and `Carrier.pick` take into account."""
    if same_version(old, new):
        question = new.question(question_id)
        if question is None or new_question_id not in (None, question_id):
            return None
        return question_id, value if value is not None and question.option(value) is not None else None
    if mapped(old, new):
        return new.mapping.translate(question_id, value, new_question_id)
    return None


def carry_over(old: Questionnaire, new: Questionnaire, values: Values) -> dict[str, tuple[str | None, str]]:
    """A check's answers on `old`, as answers for a new check on `new`, in `new`'s question order.

    An answer carries over when its question means the same; an option that has no counterpart
    reopens the question, keeping the comment. A split question's answer goes to each of its new
    questions; a merged question gets the weakest translated answer, or stays open (with the
    comments joined) when one of its old questions has no answer that carries over. New questions
    stay open. For many checks on the same two versions, build a `Carrier` once and call it."""
    return Carrier(old, new)(values)


def dropped(old: Questionnaire, new: Questionnaire, values: Values) -> tuple[str, ...]:
    """The old questions, in `old`'s order, whose given answer no question of `new` can take: no
    counterpart, or an option that has none. (An answer that reaches a merged question counts as
    placed, even where a weaker one of the merge wins or another keeps the question open.)"""
    carrier = Carrier(old, new)
    placed = {
        old_id
        for _, sources in carrier.routes
        for old_id, table in sources
        if values.get(old_id, (None, ""))[0] in table
    }
    return tuple(q.id for q in old.questions if values.get(q.id, (None, ""))[0] is not None and q.id not in placed)


def counterparts(old: Questionnaire, new: Questionnaire, new_question_id: str) -> tuple[str, ...]:
    """The questions of `old` whose answers go to `new_question_id` in `new` (several after a merge)."""
    if same_version(old, new):
        return (new_question_id,) if old.question(new_question_id) is not None else ()
    if mapped(old, new):
        return tuple(e.old for e in new.mapping.sources(new_question_id))
    return ()


def counterpart(old: Questionnaire, new: Questionnaire, new_question_id: str) -> str | None:
    """The question of `old` that means the same as `new_question_id` in `new`, if any (after a merge,
    the first of them: see `counterparts`)."""
    found = counterparts(old, new, new_question_id)
    return found[0] if found else None


@dataclass(frozen=True)
class CompareRow:
    """One question of the newest version, with each check's answer to it (None: no counterpart)."""

    question: Question
    answers: tuple[AnsweredQuestion | None, ...]
    differs: bool


def side_by_side(base: Questionnaire, reports: Sequence[Report]) -> list[CompareRow]:
    """Answers of checks on any versions, in the rows of `base`, where the versions say it is the same question.

    Answers differ when their values, translated to `base`, differ; an answer without a counterpart
    in `base` (a reopened option) counts as different from every other. For a question merged from
    several old ones, the cell shows the old answer that decides what carries over (the weakest, or
    the one that keeps it open).
    """
    carriers: dict[str, Carrier] = {}
    values_of = []
    for report in reports:
        questionnaire = report.questionnaire
        if questionnaire.fingerprint not in carriers:
            carriers[questionnaire.fingerprint] = Carrier(questionnaire, base)
        values_of.append({qid: (a.option.value if a.option else None, a.comment) for qid, a in report.answers.items()})
    rows = []
    for question in base.questions:
        cells, compared = [], set()
        for report, values in zip(reports, values_of):
            picked = carriers[report.questionnaire.fingerprint].pick(question.id, values)
            if picked is None:  # no counterpart in this check's version
                cells.append(None)
                compared.add(None)
                continue
            old_id = picked.source or carriers[report.questionnaire.fingerprint].sources(question.id)[0]
            answered = report.answers.get(old_id)
            cells.append(answered)
            if picked.value is not None:
                compared.add(picked.value)
            elif answered is None or answered.option is None:
                compared.add(None)
            else:  # answered, but the answer has no counterpart: like no other answer
                compared.add(f"{id(report)}:{old_id}:{answered.option.value}")
        rows.append(CompareRow(question, tuple(cells), len(compared) > 1))
    return rows
