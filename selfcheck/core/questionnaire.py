"""The questionnaire model: frozen dataclasses built by the loader.

Pure Python: no Flask, database or PDF code may be imported here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property


@dataclass(frozen=True)
class Stage:
    """What an answer shows about practice: written down, carried out, evaluated (rank 1 is the lowest)."""

    id: str
    label: str
    rank: int


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    score: float | None  # None for the 'weet ik niet' option
    regional: bool = False
    stage: Stage | None = None  # None: the answer claims no practice (or cannot: a plain fact)

    @property
    def unknown(self) -> bool:
        """'Weet ik niet': a gap in knowledge, not in policy."""
        return self.score is None


@dataclass(frozen=True)
class Instrument:
    """Where a procurement clause goes: a contract under one of the two laws, or a subsidy decision."""

    id: str
    prefix: str  # the clauses' numbers: J-1, W-1, S-1
    label: str
    party: str  # what the clauses call the other party in this instrument
    scope: str = ""  # for whom the inkoper uses this group


INSTRUMENTS = (
    Instrument(
        "jeugdwet",
        "J",
        "Contract onder de Jeugdwet",
        "opdrachtnemer",
        "Voor de overeenkomst met jeugdhulpaanbieders, ook voor vrij toegankelijke preventie die als jeugdhulp is ingekocht.",
    ),
    Instrument(
        "wmo",
        "W",
        "Contract onder de Wmo 2015",
        "opdrachtnemer",
        "Voor de overeenkomst met aanbieders die volwassenen ondersteunen, zoals begeleiding en beschermd wonen.",
    ),
    # the Awb speaks of the subsidieontvanger; a beschikking that says 'opdrachtnemer' reads wrong
    Instrument(
        "subsidie",
        "S",
        "Subsidiebeschikking",
        "subsidieontvanger",
        "Voor subsidie aan bijvoorbeeld welzijn, maatschappelijk werk of de preventieafdeling van GGZ of "
        "verslavingszorg: neem de eisen op als verplichtingen van de subsidieontvanger in de beschikking "
        "(Algemene wet bestuursrecht, titel 4.2, en uw subsidieverordening).",
    ),
)
# Clauses of files before 2026.2 are plain texts without an instrument: they keep a group of their own.
NO_INSTRUMENT = Instrument(
    "",
    "E",
    "Eisen zonder opgegeven instrument",
    "opdrachtnemer",
    "Deze versie van de vragenlijst zegt niet in welk instrument deze eisen passen, en geeft er geen grondslag of toetsing bij.",
)
PLACEHOLDER = re.compile(r"\[([^\[\]]+)\]")


@dataclass(frozen=True)
class Verification:
    """How the gemeente checks that a clause is kept: the evidence and how often."""

    evidence: str
    frequency: str


@dataclass(frozen=True)
class Placeholder:
    """What to fill in for one [placeholder] of a clause's text."""

    name: str  # the text between the brackets
    guidance: str


@dataclass(frozen=True)
class Clause:
    """A clause a contract or subsidy decision can contain, for the procurement annex.

    Files before 2026.2 give a plain text: a clause with only `text`."""

    text: str
    title: str = ""
    instruments: tuple[str, ...] = ()  # ids from INSTRUMENTS
    basis: str = ""  # the law, guideline or policy it rests on; empty: none given
    verification: Verification | None = None
    placeholders: tuple[Placeholder, ...] = ()

    @property
    def structured(self) -> bool:
        return bool(self.instruments)

    def worded_for(self, instrument: Instrument) -> Clause:
        """The clause as it reads in that instrument: a subsidy decision binds a subsidieontvanger."""
        if instrument.party == "opdrachtnemer":
            return self

        def reword(text: str) -> str:
            return re.sub(
                r"\b([Oo])pdrachtnemer",
                lambda m: ("S" if m.group(1) == "O" else "s") + instrument.party[1:],
                text,
            )

        check = self.verification
        return replace(
            self,
            text=reword(self.text),
            basis=reword(self.basis),
            verification=check and Verification(reword(check.evidence), reword(check.frequency)),
            placeholders=tuple(Placeholder(p.name, reword(p.guidance)) for p in self.placeholders),
        )


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    options: tuple[Option, ...]
    source: str
    weight: float = 1.0
    domain_id: str = ""
    requirements: tuple[Clause, ...] = ()  # contract or subsidy clauses for the procurement annex
    find_out: str = ""  # the first step when the answer is 'weet ik niet': who knows, how to find out
    finding: str = ""  # what the question is about, as a noun phrase for the report's findings sentences

    @cached_property
    def max_score(self) -> float:
        return max(o.score for o in self.options if o.score is not None)

    @cached_property
    def points(self) -> dict[str, Fraction]:
        """Each option's exact share of the best score (0..1), by option value.

        'Weet ik niet' scores 0, like 'nee': a practice nobody can confirm is not demonstrably in place.
        """
        best = Fraction(self.max_score)
        return {o.value: Fraction(o.score or 0) / best for o in self.options}

    @cached_property
    def top_stage_rank(self) -> int:
        """The highest stage any option can claim (0: none), e.g. 0 for a plain yes/no fact."""
        return max((o.stage.rank for o in self.options if o.stage), default=0)

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
class Requirement:
    """A level needs at least `share` of the weight that can reach `stage` to be answered at it or higher."""

    stage: Stage
    share: float


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    min: float
    max: float
    description: str
    rank: int  # 1 is the lowest level
    requires: Requirement | None = None


@dataclass(frozen=True)
class Cap:
    """The overall level is at most `max_level` until `question` is answered with a score of `below` or more.

    Unanswered and 'weet ik niet' keep the cap: a precondition nobody can confirm is not met.
    """

    question_id: str
    below: float
    max_level: str
    reason: str


@dataclass(frozen=True)
class AnswerIs:
    """The question is answered with one of `values`."""

    question_id: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class DomainLevelIn:
    """The recommendation's domain has one of these levels."""

    levels: tuple[str, ...]


@dataclass(frozen=True)
class StageIs:
    """Some question of the recommendation's domain is answered at exactly this stage (e.g. only on paper)."""

    stage: str


@dataclass(frozen=True)
class AnyUnknown:
    """Some question of the recommendation's domain is answered 'weet ik niet'."""


@dataclass(frozen=True)
class UnknownAtLeast:
    """At least `count` 'weet ik niet' answers in the whole check (the 2026.1 questionnaire's rule)."""

    count: int


Condition = AnswerIs | DomainLevelIn | StageIs | AnyUnknown | UnknownAtLeast


@dataclass(frozen=True)
class Trigger:
    """When a recommendation fires: every condition holds (`all`), or, in files before 2026.2, any one."""

    conditions: tuple[Condition, ...]
    all: bool = True


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
class Term:
    """A begrippenlijst entry, explained wherever one of its `matches` appears in a text."""

    term: str
    definition: str
    source: str
    matches: tuple[str, ...]

    @cached_property
    def pattern(self) -> re.Pattern:
        words = "|".join(re.escape(m) for m in sorted(self.matches, key=len, reverse=True))
        return re.compile(rf"(?<![\w/-])(?:{words})(?![\w/-])", re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    """A source the advice rests on, for the report's reference list ('Bronnen').

    `matches` are the phrases by which `source` fields point at it, e.g. "Wat kan ik doen als gemeente?"."""

    title: str
    publisher: str
    year: str  # "2016", or "z.j." when the page gives no year
    url: str
    matches: tuple[str, ...]

    def cited_in(self, source: str) -> bool:
        """Whether a `source` text points at this reference (case and line breaks do not matter)."""
        text = " ".join(source.split()).casefold()
        return any(m.casefold() in text for m in self.matches)


@dataclass(frozen=True)
class QuestionMapping:
    """An earlier version's question whose answer carries over to a question of this one, with its
    options translated.

    One old question may have several entries (a split: its answer goes to each new question through
    that entry's own table) and several old questions may point to one new question (a merge: the new
    question gets the translated answer that scores lowest)."""

    old: str
    new: str
    options: tuple[tuple[str, str], ...]  # (old value, new value); old values not listed reopen the question

    @cached_property
    def table(self) -> dict[str, str]:
        return dict(self.options)

    def translate(self, value: str | None) -> str | None:
        """The new value for an old one; None reopens the question (no answer, or no counterpart)."""
        return None if value is None else self.table.get(value)


@dataclass(frozen=True)
class VersionMapping:
    """How answers given on `from_version` carry over to this version when a new check is pre-filled."""

    from_version: str
    questions: tuple[QuestionMapping, ...]

    @cached_property
    def _by_old(self) -> dict[str, tuple[QuestionMapping, ...]]:
        entries: dict[str, list[QuestionMapping]] = {}
        for entry in self.questions:
            entries.setdefault(entry.old, []).append(entry)
        return {old: tuple(found) for old, found in entries.items()}

    @cached_property
    def _by_new(self) -> dict[str, tuple[QuestionMapping, ...]]:
        entries: dict[str, list[QuestionMapping]] = {}
        for entry in self.questions:
            entries.setdefault(entry.new, []).append(entry)
        return {new: tuple(found) for new, found in entries.items()}

    def targets(self, old_id: str) -> tuple[QuestionMapping, ...]:
        """The entries of an old question: one, several when it was split, none when it does not carry over."""
        return self._by_old.get(old_id, ())

    def sources(self, new_id: str) -> tuple[QuestionMapping, ...]:
        """The entries that point at a new question: several when old questions were merged into it."""
        return self._by_new.get(new_id, ())

    def translate(
        self, question_id: str, value: str | None, new_id: str | None = None
    ) -> tuple[str, str | None] | None:
        """(new question id, new value or None to reopen), or None when the question does not carry over.

        A split question has several new questions: `new_id` picks one; without it, the first entry's
        is given. A merge is decided per new question, with the other old answers: see
        `carryover.carry_over`."""
        for entry in self.targets(question_id):
            if new_id is None or entry.new == new_id:
                return entry.new, entry.translate(value)
        return None


@dataclass(frozen=True)
class Estimate:
    """The national share of minors with a parent with mental-health or addiction problems, with
    its year and source: the report multiplies a gemeente's minors by it."""

    share: float
    year: int
    source: str
    note: str = ""

    def children(self, minors: int) -> int:
        """The estimated number of KOPP/KOV children among `minors`, rounded to the nearest hundred
        (the share is an estimate; more digits would suggest a precision it lacks)."""
        return int(minors * self.share / 100 + 0.5) * 100  # half up, like the scores


@dataclass(frozen=True)
class Scoring:
    min_coverage: float = 0.5  # share of a domain's weight answered ('weet ik niet' included) for a score
    gap_below: float = 0.6  # an answer below this share of the best is a gap
    unknown_warning: float = 1.0  # share of a domain's weight answered 'weet ik niet' that is flagged
    top_priority_max: int = 0  # at most this many advice items keep the top priority (0: no limit)
    start_package: int = 3  # the first advice items the results open with


@dataclass(frozen=True)
class Questionnaire:
    version: str
    title: str
    introduction: str
    fingerprint: str
    scoring: Scoring
    levels: tuple[Level, ...]
    domains: tuple[Domain, ...]
    recommendations: tuple[Recommendation, ...]
    priorities: dict[int, str] = field(default_factory=dict, hash=False, compare=False)
    caps: tuple[Cap, ...] = ()
    stages: tuple[Stage, ...] = ()
    glossary: tuple[Term, ...] = ()
    mapping: VersionMapping | None = None
    estimate: Estimate | None = None
    references: tuple[Reference, ...] = ()

    @property
    def min_coverage(self) -> float:
        return self.scoring.min_coverage

    @property
    def gap_below(self) -> float:
        return self.scoring.gap_below

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

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def terms_in(self, *texts: str) -> tuple[Term, ...]:
        """The begrippenlijst entries that the texts use, in glossary order."""
        return tuple(t for t in self.glossary if any(t.pattern.search(text) for text in texts))

    @cached_property
    def _question_terms(self) -> dict[str, tuple[Term, ...]]:
        return {q.id: self.terms_in(q.text, q.help) for q in self.questions}

    def terms_for(self, question: Question) -> tuple[Term, ...]:
        """The begrippenlijst entries a question's text or help uses."""
        return self._question_terms.get(question.id, ())

    @cached_property
    def clause_numbers(self) -> dict[tuple[str, int, str], str]:
        """(question id, clause index, instrument id) -> number such as 'J-3'.

        Counted over the whole questionnaire in file order, per instrument, so a number is the same
        in every gemeente's annex of this version, whatever that annex leaves out; nobody types them."""
        counters: dict[str, int] = {}
        numbers = {}
        prefixes = {i.id: i.prefix for i in (*INSTRUMENTS, NO_INSTRUMENT)}
        for question in self.questions:
            for index, clause in enumerate(question.requirements):
                for instrument_id in clause.instruments or ("",):
                    counters[instrument_id] = counters.get(instrument_id, 0) + 1
                    numbers[question.id, index, instrument_id] = f"{prefixes[instrument_id]}-{counters[instrument_id]}"
        return numbers

    @cached_property
    def cap_questions(self) -> frozenset[str]:
        return frozenset(c.question_id for c in self.caps)

    def level_for(self, score: float) -> Level:
        """The level whose range holds `score` (min inclusive; 100 is in the top level)."""
        index = bisect_right([lv.min for lv in self.levels], score) - 1
        return self.levels[max(0, min(index, len(self.levels) - 1))]
