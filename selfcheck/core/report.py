"""The report object: everything a results page or PDF shows, as plain values.

Pure: built from a questionnaire and stored answer values, without Flask or a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .advice import Advice, recommend, start_package
from .chart import Radar, radar
from .consensus import Disagreement, PerspectiveView, RespondentAnswers, disagreements, perspective_spread
from .questionnaire import INSTRUMENTS, NO_INSTRUMENT, Clause, Instrument, Option, Question, Questionnaire
from .scoring import DomainResult, QuestionResult, Result, score

TOP_DIFFERENCES = 5


@dataclass(frozen=True)
class Finding:
    """One sentence of a domain's findings: a lead ("Ontbreekt of is er maar deels") and the
    questions it is about, named by their `finding`."""

    lead: str
    questions: tuple[QuestionResult, ...]

    @property
    def text(self) -> str:
        # A version from before `finding` names its questions by their text.
        return "; ".join(q.question.finding or q.question.text.rstrip("?") for q in self.questions)


# What the answers of a domain show, strongest first: practice, a plain fact, paper, a gap, not
# knowing, no answer. A question falls in exactly one group.
_FINDINGS = (
    ("Aantoonbaar in de praktijk", lambda d: [q for q in d.strengths if q.stage_rank >= 2]),
    ("Geregeld", lambda d: [q for q in d.strengths if q.stage_rank == 0]),
    ("Op papier, nog niet aantoonbaar uitgevoerd", lambda d: [q for q in d.strengths if q.stage_rank == 1]),
    ("Ontbreekt of is er maar deels", lambda d: list(d.gaps)),
    ("Niemand wist het antwoord", lambda d: list(d.unknowns)),
    ("Niet beantwoord", lambda d: [q for q in d.questions if not q.answered]),
)


def findings(domain: DomainResult) -> tuple[Finding, ...]:
    """A domain's findings as sentences, for the report and its Word version."""
    return tuple(Finding(lead, tuple(found)) for lead, pick in _FINDINGS if (found := pick(domain)))


@dataclass(frozen=True)
class AnsweredQuestion:
    question: Question
    option: Option | None
    comment: str


@dataclass(frozen=True)
class AnnexClause:
    """One clause as it stands in one instrument's group of the procurement annex."""

    number: str  # e.g. 'J-3', stable within the questionnaire version
    clause: Clause  # worded for the instrument (a subsidy decision binds a subsidieontvanger)
    question: QuestionResult  # the not (yet) arranged practice it comes from
    also: tuple[tuple[str, str], ...] = ()  # (number, instrument label) where else the clause stands


@dataclass(frozen=True)
class AnnexGroup:
    instrument: Instrument
    clauses: tuple[AnnexClause, ...]


@dataclass(frozen=True)
class Report:
    questionnaire: Questionnaire
    gemeente: str
    year: int
    submitted: bool
    result: Result
    advice: tuple[Advice, ...]
    answers: Mapping[str, AnsweredQuestion]
    # Several respondents: how each perspective sees each domain, and where they differ most.
    perspectives: Mapping[str, list[PerspectiveView]] = field(default_factory=dict)
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def chart(self) -> Radar:
        """The radar chart of the domain scores, as the results page and the PDF draw it."""
        return radar([(d.domain.title, d.score) for d in self.result.domains])

    @property
    def start_package(self) -> tuple[Advice, ...]:
        """The few recommendations to begin with: the results and the report open with them."""
        return start_package(self.advice, self.questionnaire.scoring.start_package)

    def findings(self, domain: DomainResult) -> tuple[Finding, ...]:
        return findings(domain)

    def advice_for(self, domain_id: str) -> tuple[Advice, ...]:
        return tuple(a for a in self.advice if a.recommendation.domain_id == domain_id)

    @property
    def procurement(self) -> tuple[QuestionResult, ...]:
        """Questions with contract clauses that are not (known to be) arranged: the procurement annex."""
        return tuple(
            q for d in self.result.domains for q in d.questions if q.question.requirements and q not in d.strengths
        )

    @property
    def procurement_annex(self) -> tuple[AnnexGroup, ...]:
        """The clauses of `procurement`, grouped by instrument in a fixed order; empty groups left out."""
        numbers = self.questionnaire.clause_numbers
        labels = {i.id: i.label for i in (*INSTRUMENTS, NO_INSTRUMENT)}
        groups = []
        for instrument in (*INSTRUMENTS, NO_INSTRUMENT):
            clauses = []
            for q in self.procurement:
                for index, clause in enumerate(q.question.requirements):
                    ids = clause.instruments or ("",)
                    if instrument.id not in ids:
                        continue
                    clauses.append(
                        AnnexClause(
                            number=numbers[q.question.id, index, instrument.id],
                            clause=clause.worded_for(instrument),
                            question=q,
                            also=tuple(
                                (numbers[q.question.id, index, i], labels[i]) for i in ids if i != instrument.id
                            ),
                        )
                    )
            if clauses:
                groups.append(AnnexGroup(instrument, tuple(clauses)))
        return tuple(groups)


def build_report(
    questionnaire: Questionnaire,
    values: Mapping[str, tuple[str | None, str]],
    *,
    gemeente: str,
    year: int,
    submitted: bool,
    respondents: Sequence[RespondentAnswers] = (),
) -> Report:
    """`values` maps question id to (option value or None, comment): the gemeente's final answers,
    which alone are scored. `respondents` only feed the perspectives and the disagreements."""
    result = score(questionnaire, {qid: v for qid, (v, _) in values.items() if v is not None})
    answers = {}
    for question in questionnaire.questions:
        value, comment = values.get(question.id, (None, ""))
        option = question.option(value) if value is not None else None
        answers[question.id] = AnsweredQuestion(question, option, comment)
    return Report(
        questionnaire=questionnaire,
        gemeente=gemeente,
        year=year,
        submitted=submitted,
        result=result,
        advice=tuple(recommend(result)),
        answers=answers,
        perspectives=perspective_spread(questionnaire, respondents) if respondents else {},
        disagreements=tuple(d for d in disagreements(questionnaire, respondents) if d.spread > 0)[:TOP_DIFFERENCES],
    )
