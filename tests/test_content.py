"""The shipped questionnaire as a content expert reads it: honest scores, exact advice, own words.

Generated from questions.yaml: a rule added there is tested here without writing a test.
"""

import random
import re
from pathlib import Path

import pytest

from scripts.brief_runs import run_hash, runs, words
from selfcheck.core.advice import recommend, start_package
from selfcheck.core.carryover import carry_over
from selfcheck.core.loader import load_questionnaire
from selfcheck.core.questionnaire import PLACEHOLDER, AnswerIs, AnyUnknown, DomainLevelIn, StageIs
from selfcheck.core.scoring import score

ROOT = Path(__file__).resolve().parent.parent
Q = load_questionnaire(ROOT / "questions.yaml")
EARLIER = load_questionnaire(ROOT / "questionnaires" / "2026.1.yaml")
TOP = min(Q.priorities)


def best(question):
    return max((o for o in question.options if not o.unknown), key=lambda o: o.score)


BEST = {q.id: best(q).value for q in Q.questions}


def fired(answers):
    return {a.recommendation.id: a for a in recommend(score(Q, answers))}


# -- the shape of the content ----------------------------------------------------------------


def test_domains_and_their_size():
    assert [d.id for d in Q.domains] == ["agendasetting", "inkoop", "regie", "opdrachtgeverschap", "randvoorwaarden"]
    for domain in Q.domains:
        assert 6 <= len(domain.questions) <= 14, domain.id


def test_every_question_can_be_answered_honestly():
    for question in Q.questions:
        assert question.text.endswith("?"), question.id
        assert [o.unknown for o in question.options][-1], f"{question.id}: 'weet ik niet' comes last"
        assert question.find_out, f"{question.id}: a first step for 'weet ik niet'"
        assert question.source and question.help


def test_one_vocabulary():
    texts = [q.text + " " + q.help for q in Q.questions] + [r.text for r in Q.recommendations]
    for text in texts:
        for word in words(text):
            assert word != "aandachtsfunctionaris" or "meldcode" in text.lower(), text


# -- findings and the reference list (the report's 'Bronnen') --------------------------------------

# The report writes "Aantoonbaar geregeld: <finding>; <finding>. Ontbreekt of is er deels: ...": a
# finding is a short noun phrase, never the question again. Its first word may not open a question.
QUESTION_OPENERS = {"heeft", "hebben", "is", "zijn", "staat", "wordt", "worden"} | {
    words(q.text)[0] for q in Q.questions
}


@pytest.mark.parametrize("question", Q.questions, ids=lambda q: q.id)
def test_every_question_has_a_finding_that_reads_after_a_colon(question):
    finding = question.finding
    assert finding, "the report's findings sentences need one"
    assert len(finding.split()) <= 12, "a short phrase, not a sentence"
    assert "?" not in finding and not finding.endswith(".")
    first = finding.split()[0]
    assert first.lower() not in QUESTION_OPENERS, f"'{first}' opens a question"
    assert first[0].islower() or first.startswith(("KOPP", "Kindcheck")), "lower case unless a name"
    assert finding.lower() not in question.text.lower(), "say what it is about, not the question again"


def test_findings_are_distinct():
    findings = [q.finding.lower() for q in Q.questions]
    assert len(set(findings)) == len(findings)


def _cited_sources():
    """Every single source the report names: of questions, advice, the begrippenlijst and the estimate.

    A field such as 'Trimbos, X (2016); NJi, Y' holds two; a ';' inside brackets ('(2016; 2023)') does not split."""
    fields = [q.source for q in Q.questions] + [r.source for r in Q.recommendations]
    fields += [t.source for t in Q.glossary if t.source] + [Q.estimate.source]
    for field in fields:
        depth, part = 0, ""
        for char in field + ";":
            depth += {"(": 1, ")": -1}.get(char, 0)
            if char == ";" and depth == 0:
                yield " ".join(part.split())
                part = ""
            else:
                part += char


CITED = sorted(set(_cited_sources()))
# The publishers whose pages the advice rests on most: each page they are cited for needs its address.
KEY_PUBLISHERS = ("trimbos", "koppkvo.nl", "nji", "ggz standaarden", "richtlijnen jeugdhulp", "kopp-richtlijn")


def test_references_are_usable():
    assert len(Q.references) >= 10
    for reference in Q.references:
        assert reference.url.startswith("https://") and reference.publisher and reference.year
        assert reference.title.strip() == reference.title


def test_every_reference_is_cited_somewhere_in_the_report():
    for reference in Q.references:
        assert any(reference.cited_in(source) for source in CITED), f"'{reference.title}' is cited nowhere"


@pytest.mark.parametrize(
    "source", [s for s in CITED if s.lower().startswith(KEY_PUBLISHERS) or "richtlijnenjeugdhulp.nl" in s]
)
def test_every_source_of_the_key_publishers_has_a_reference(source):
    assert any(r.cited_in(source) for r in Q.references), source


def test_the_guidelines_and_laws_the_advice_rests_on_are_listed():
    urls = {r.url for r in Q.references}
    assert "https://richtlijnenjeugdhulp.nl/guideline/269/full" in urls
    titles = " ".join(r.title for r in Q.references)
    for name in (
        "Generieke module KOPP/KOV",
        "Kindcheck",
        "Wet verplichte meldcode",
        "Databank Effectieve Jeugdinterventies",
    ):
        assert name in titles, name


def test_every_address_is_one_the_brief_gives_when_it_is_here():
    """No address is guessed: each is written in the domain brief (without https://), or is the start of one."""
    urls = [r.url for r in Q.references]
    brief = ROOT.parent / "shared" / "domain" / "brief.md"
    if brief.exists():  # beside the clone on the developers' machine (like the brief's hashes above)
        text = brief.read_text(encoding="utf-8")
        for url in urls:
            assert url.removeprefix("https://") in text, url


# -- the procurement clauses (the inkoopbijlage) -------------------------------------------------

CLAUSES = [(q, i, c) for q in Q.questions for i, c in enumerate(q.requirements)]


def test_there_are_clauses_for_every_instrument():
    assert len({q.id for q, _, _ in CLAUSES}) >= 20
    assert {i for _, _, c in CLAUSES for i in c.instruments} == {"jeugdwet", "wmo", "subsidie"}


@pytest.mark.parametrize("question, index, clause", CLAUSES, ids=[f"{q.id}[{i}]" for q, i, _ in CLAUSES])
def test_every_clause_is_usable_as_it_stands(question, index, clause):
    """An inkoper pastes it: it names its instrument, how compliance is checked, and what to fill in."""
    assert clause.structured and clause.title, "the shipped file uses the full form, not a plain text"
    assert clause.instruments
    assert clause.verification.evidence.endswith((".", "?")), "evidence is a sentence"
    assert clause.verification.frequency and not clause.verification.frequency.endswith(".")
    named = {p.name for p in clause.placeholders}
    assert set(PLACEHOLDER.findall(clause.text)) == named
    for placeholder in clause.placeholders:
        assert len(words(placeholder.guidance)) >= 8, f"[{placeholder.name}]: guidance, not a label"
    # an internal step of the gemeente belongs in a recommendation, not in a contract
    assert not clause.text.lower().startswith("de gemeente")
    assert "opdrachtnemer" in clause.text.lower(), "the contractor is the one bound"
    # numbers are derived, never typed: a typed 'J-3' would go stale when clauses move
    for text in (clause.text, clause.basis, clause.verification.evidence, *(p.guidance for p in clause.placeholders)):
        assert not re.search(r"\b[JWSE]-\d", text), text


def test_aandachtsfunctionaris_hours_are_an_example_not_a_norm():
    """Breda's 8 hours a week is one pilot's figure: the guidance says so, with its years and source."""
    (hours,) = [
        p
        for _, _, c in CLAUSES
        for p in c.placeholders
        if p.name == "uren per week" and "aandachtsfunctionaris" in c.text
    ]
    assert "8 uur per week" in hours.guidance and "geen norm" in hours.guidance
    assert "2013-2015" in hours.guidance and "Trimbos" in hours.guidance


def test_clause_numbers_are_unique_per_instrument():
    numbers = Q.clause_numbers
    assert len(set(numbers.values())) == len(numbers)
    assert len(numbers) == sum(len(c.instruments) for _, _, c in CLAUSES)


# -- scoring the real questionnaire -------------------------------------------------------------


def test_not_knowing_never_scores_better_than_a_gap():
    rng = random.Random(14)
    for _ in range(20):
        answers = {q.id: rng.choice(q.options).value for q in Q.questions}
        for question in Q.questions:
            unknown = next(o for o in question.options if o.unknown)
            with_unknown = score(Q, {**answers, question.id: unknown.value})
            with_nee = score(Q, {**answers, question.id: min(question.options, key=lambda o: o.score or 0).value})
            assert with_unknown.score <= with_nee.score
            assert with_unknown.level.rank <= with_nee.level.rank


def test_paper_only_reaches_vastgelegd_at_most():
    paper = {}
    for question in Q.questions:
        on_paper = [o for o in question.options if o.stage and o.stage.id == "vastgelegd"]
        no_stage = [o for o in question.options if not o.stage and not o.unknown]
        # the best an answer can claim without saying it is carried out
        paper[question.id] = (on_paper or [max(no_stage, key=lambda o: o.score)])[0].value
    result = score(Q, paper)
    assert result.level.rank <= Q.level("vastgelegd").rank
    assert all(d.level.rank <= Q.level("vastgelegd").rank for d in result.domains)


@pytest.mark.parametrize("value", ["nee", "weet_niet", None])
def test_caps_hold_when_the_precondition_is_missing_or_unknown(value):
    for cap in Q.caps:
        answers = dict(BEST)
        question = Q.question(cap.question_id)
        if value is None:
            answers[cap.question_id] = min((o for o in question.options if not o.unknown), key=lambda o: o.score).value
        else:
            answers[cap.question_id] = value
        result = score(Q, answers)
        assert cap in result.caps
        assert result.level.rank <= Q.level(cap.max_level).rank


def test_all_best_is_the_top_level():
    result = score(Q, BEST)
    assert result.score == 100 and result.level.id == Q.levels[-1].id and result.caps == ()


# -- advice follows the answers exactly -----------------------------------------------------------


def _answer_rules():
    for rule in Q.recommendations:
        conditions = [c for c in rule.when.conditions if isinstance(c, AnswerIs)]
        if conditions:
            yield rule, conditions


@pytest.mark.parametrize("rule, conditions", list(_answer_rules()), ids=lambda v: getattr(v, "id", ""))
def test_each_rule_fires_on_exactly_the_answers_it_names(rule, conditions):
    trigger = {**BEST, **{c.question_id: c.values[0] for c in conditions}}
    assert rule.id in fired(trigger)
    for condition in conditions:
        question = Q.question(condition.question_id)
        for option in question.options:
            if option.value not in condition.values:
                assert rule.id not in fired({**trigger, question.id: option.value}), (question.id, option.value)


def _is_precondition(condition):
    """A condition that asks for something in place (it names the question's best answer), like
    'there is a regievoerder' before advice on the regievoerder's mandate."""
    return best(Q.question(condition.question_id)).value in condition.values


@pytest.mark.parametrize("rule, conditions", list(_answer_rules()), ids=lambda v: getattr(v, "id", ""))
def test_no_rule_advises_what_the_gemeente_already_does(rule, conditions):
    gaps = [c for c in conditions if not _is_precondition(c)]
    assert gaps, f"{rule.id}: a rule names at least one answer that is missing"
    for condition in gaps:
        question = Q.question(condition.question_id)
        for value in condition.values:
            option = question.option(value)
            assert not option.unknown, f"{rule.id}: 'weet ik niet' has its own rule"
            # carried out or evaluated is in place: no rule may ask for it again ('vastgelegd' may get
            # advice to carry it out)
            assert option.stage is None or option.stage.id == "vastgelegd", f"{rule.id} fires on {question.id}={value}"


def test_every_gap_gets_advice_that_names_its_question():
    for question in Q.questions:
        for option in question.options:
            if option.unknown or question.points[option.value] >= Q.gap_below:
                continue
            advice = fired({**BEST, question.id: option.value})
            assert any(
                r.question is not None and r.question.id == question.id for a in advice.values() for r in a.reasons
            ), (question.id, option.value)


def test_every_unknown_gets_a_first_step_and_paper_gets_its_own_advice():
    for question in Q.questions:
        unknown = next(o for o in question.options if o.unknown)
        steps = [r for a in fired({**BEST, question.id: unknown.value}).values() for r in a.reasons if r.find_out]
        assert [r.question.id for r in steps] == [question.id]
        for option in question.options:
            if option.stage is not None and option.stage.id == "vastgelegd":
                rules = fired({**BEST, question.id: option.value}).values()
                assert any(isinstance(c, StageIs) for a in rules for c in a.recommendation.when.conditions)


def test_each_domain_has_its_three_general_rules():
    for domain in Q.domains:
        kinds = {type(c) for r in Q.recommendations if r.domain_id == domain.id for c in r.when.conditions}
        assert {StageIs, AnyUnknown, DomainLevelIn} <= kinds, domain.id


def test_never_more_than_five_top_priorities_and_always_a_start_package():
    rng = random.Random(5)
    worst = {q.id: min(q.options, key=lambda o: o.score or 0).value for q in Q.questions}
    unknown = {q.id: next(o for o in q.options if o.unknown).value for q in Q.questions}
    samples = [worst, unknown] + [{q.id: rng.choice(q.options).value for q in Q.questions} for _ in range(100)]
    for answers in samples:
        advice = recommend(score(Q, answers))
        assert sum(a.priority == TOP for a in advice) <= 5
        package = start_package(advice, Q.scoring.start_package)
        assert len(package) == 3
        assert len({a.recommendation.domain_id for a in package}) == 3


def test_cap_preconditions_lead_the_ranking():
    advice = recommend(score(Q, {q.id: min(q.options, key=lambda o: o.score or 0).value for q in Q.questions}))
    caps = {c.question_id for c in Q.caps}
    leading = [a for a in advice if a.precondition]
    assert leading and advice[: len(leading)] == leading
    assert caps <= {r.question.id for a in leading for r in a.reasons if r.question}


# -- in the product's own words -----------------------------------------------------------------

SHIPPED = [
    ROOT / "questions.yaml",
    *sorted((ROOT / "questionnaires").glob("*.yaml")),
    *sorted((ROOT / "templates").rglob("*.html")),
]


def test_no_ten_words_in_a_row_from_the_brief():
    brief_runs = set((ROOT / "tests" / "brief_runs.txt").read_text(encoding="utf-8").split())
    shared = []
    for path in SHIPPED:
        for run in runs(words(path.read_text(encoding="utf-8"))):
            if run_hash(run) in brief_runs:
                shared.append(f"{path.relative_to(ROOT)}: {' '.join(run)}")
    assert shared == []


def test_the_hashes_are_those_of_the_brief_when_it_is_here():
    brief = ROOT.parent / "shared" / "domain" / "brief.md"
    stored = set((ROOT / "tests" / "brief_runs.txt").read_text(encoding="utf-8").split())
    assert len(stored) > 5000
    if brief.exists():  # beside the clone on the developers' machine; CI checks the stored hashes above
        assert stored == {run_hash(r) for r in runs(words(brief.read_text(encoding="utf-8")))}


def test_the_check_catches_a_copied_sentence():
    brief_runs = set((ROOT / "tests" / "brief_runs.txt").read_text(encoding="utf-8").split())
    copied = "neem in de contracten met jeugdhulpaanbieders op dat zij werken volgens de richtlijn"
    assert any(run_hash(r) in brief_runs for r in runs(words(copied)))


# -- carrying answers over from 2026.1 -----------------------------------------------------------


def test_mapping_carries_unchanged_answers_and_leaves_split_questions_open():
    assert Q.mapping.from_version == EARLIER.version
    old = {q.id: ("vastgelegd" if q.option("vastgelegd") else q.options[0].value, "") for q in EARLIER.questions}
    old["beleid_doelgroep"] = ("vastgelegd", "Staat in de nota 2024.")
    old["regie_mandaat"] = ("geborgd", "Mandaat in 2023 vastgesteld.")  # no time window then: reopens
    carried = carry_over(EARLIER, Q, old)
    assert carried["beleid_doelgroep"] == ("vastgelegd", "Staat in de nota 2024.")
    assert carried["regie_mandaat"] == (None, "Mandaat in 2023 vastgesteld.")
    mapped_new = {e.new for e in Q.mapping.questions}
    assert set(carried) <= mapped_new
    # questions that are new or split stay open
    assert all(q.id not in carried for q in Q.questions if q.id not in mapped_new)
    for entry in Q.mapping.questions:
        assert EARLIER.question(entry.old) is not None, entry.old
        for old_value, _ in entry.options:
            assert EARLIER.question(entry.old).option(old_value) is not None, (entry.old, old_value)
