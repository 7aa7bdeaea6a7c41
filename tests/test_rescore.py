"""Carrying answers over through splits and merges, and re-scoring checks on a new version (rescore).

The fixture pair tests/data/versions/old.yaml (v1) and new.yaml (v2): a3 is split into a3_vastgesteld and
a3_uitgevoerd, b2 and b3 are merged into b23 (see the top of new.yaml). The re-scoring's counts are held
against scoring.score itself, run on each check here in the test.
"""

import random
from pathlib import Path

import pytest
import yaml

from selfcheck.core import scoring
from selfcheck.core.carryover import (
    Carrier,
    carry_over,
    counterpart,
    counterparts,
    dropped,
    side_by_side,
    translate,
)
from selfcheck.core.loader import load_questionnaire, parse_questionnaire
from selfcheck.core.report import build_report
from selfcheck.core.rescore import Count, level_moves

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "tests" / "data" / "versions"
OLD = load_questionnaire(VERSIONS / "old.yaml")
NEW = load_questionnaire(VERSIONS / "new.yaml")


def answers_of(values):
    return {q: v for q, (v, _) in values.items() if v is not None}


# -- carrying over through a split and a merge -----------------------------------------------------


def test_a_split_question_carries_its_answer_to_each_new_question_through_its_own_table():
    carried = carry_over(OLD, NEW, {"a3": ("uitgevoerd", "Nota 2025, uitgevoerd sinds maart.")})
    assert carried == {
        "a3_vastgesteld": ("vastgelegd", "Nota 2025, uitgevoerd sinds maart."),
        "a3_uitgevoerd": ("uitgevoerd", "Nota 2025, uitgevoerd sinds maart."),
    }
    # 'deels' has a counterpart in a3_vastgesteld only: a3_uitgevoerd reopens, keeping the comment
    assert carry_over(OLD, NEW, {"a3": ("deels", "Concept.")}) == {
        "a3_vastgesteld": ("deels", "Concept."),
        "a3_uitgevoerd": (None, "Concept."),
    }
    assert carry_over(OLD, NEW, {"a3": ("deels", "")}) == {"a3_vastgesteld": ("deels", "")}


@pytest.mark.parametrize(
    "b2, b3, expected",
    [
        (("ja", ""), ("ja", ""), ("ja", "")),
        (
            ("ja", "Huisartsen: convenant."),
            ("nee", "Wijkteams: niets."),
            ("nee", "Huisartsen: convenant.\n\nWijkteams: niets."),
        ),
        (("nee", ""), ("ja", ""), ("nee", "")),
        (("ja", ""), ("weet_niet", ""), ("weet_niet", "")),  # not knowing scores 0: weaker than 'ja'
        (("weet_niet", ""), ("nee", ""), ("nee", "")),  # at equal points a known gap counts as weaker
        (("ja", "Convenant."), (None, ""), (None, "Convenant.")),  # one not answered: reopens
        (("ja", "Zelfde."), ("nee", "Zelfde."), ("nee", "Zelfde.")),  # the same comment once
        (("ja", ""), None, None),  # b3 absent, nothing to keep: stays open and is not stored
    ],
)
def test_a_merged_question_gets_the_weakest_translated_answer(b2, b3, expected):
    values = {"b2": b2} | ({"b3": b3} if b3 is not None else {})
    assert carry_over(OLD, NEW, values).get("b23") == expected


def test_a_merge_with_an_answer_without_counterpart_reopens():
    def narrow(data):  # b3's 'weet_niet' no longer carries over
        data["mapping"]["questions"][6]["options"].pop("weet_niet")

    narrowed = _variant(VERSIONS / "new.yaml", narrow)
    assert carry_over(OLD, narrowed, {"b2": ("ja", "A."), "b3": ("weet_niet", "B.")})["b23"] == (None, "A.\n\nB.")


def test_carry_over_follows_the_new_order_and_a_carrier_gives_the_same():
    values = {"b3": ("nee", ""), "a1": ("uitgevoerd", ""), "a4": ("ja", ""), "b2": ("ja", ""), "a2": ("regio", "R.")}
    carried = carry_over(OLD, NEW, values)
    assert list(carried) == ["a1", "a2", "b23"]
    assert carried["a2"] == (None, "R.")  # 'regio' was dropped from a2
    assert Carrier(OLD, NEW)(values) == carried


def test_dropped_lists_the_answers_no_new_question_takes():
    values = {
        "a4": ("nee", ""),  # removed
        "a2": ("regio", ""),  # option dropped
        "a3": ("deels", ""),  # reaches a3_vastgesteld, reopens a3_uitgevoerd: placed
        "b2": ("ja", ""),  # merged, the weaker b3 wins: placed all the same
        "b3": ("nee", ""),
        "a1": (None, "Alleen een opmerking."),  # no answer: nothing to drop
    }
    assert dropped(OLD, NEW, values) == ("a2", "a4")
    assert dropped(OLD, OLD, values) == ()


def test_translate_and_counterparts_know_splits_and_merges():
    assert translate(OLD, NEW, "a3", "uitgevoerd") == ("a3_vastgesteld", "vastgelegd")  # the first entry
    assert translate(OLD, NEW, "a3", "uitgevoerd", "a3_uitgevoerd") == ("a3_uitgevoerd", "uitgevoerd")
    assert translate(OLD, NEW, "a4", "ja") is None
    assert counterparts(OLD, NEW, "b23") == ("b2", "b3") and counterpart(OLD, NEW, "b23") == "b2"
    assert counterparts(OLD, NEW, "a3_uitgevoerd") == ("a3",) and counterparts(OLD, NEW, "b4") == ()
    assert counterparts(NEW, NEW, "b23") == ("b23",)
    assert translate(NEW, NEW, "b23", "ja", "b23") == ("b23", "ja") and translate(NEW, NEW, "b23", "ja", "b1") is None


def test_side_by_side_shows_the_answer_that_decides_a_merge():
    def report(questionnaire, values, year):
        return build_report(questionnaire, values, gemeente="Test", year=year, submitted=True)

    old = report(OLD, {"b1": ("ja", ""), "b2": ("ja", ""), "b3": ("nee", "Geen afspraken.")}, 2025)
    same = report(NEW, {"b1": ("ja", ""), "b23": ("nee", "")}, 2026)
    other = report(NEW, {"b1": ("nee", ""), "b23": ("ja", "")}, 2026)
    rows = {row.question.id: row for row in side_by_side(NEW, [old, same])}
    assert rows["b23"].answers[0].question.id == "b3" and rows["b23"].answers[0].comment == "Geen afspraken."
    assert not rows["b23"].differs and not rows["b1"].differs
    assert rows["b4"].answers[0] is None  # added: no counterpart
    rows = {row.question.id: row for row in side_by_side(NEW, [old, other])}
    assert rows["b23"].differs and rows["b1"].differs


# -- the scorer behind the re-scoring gives scoring.score's levels ----------------------------------------


def _random_answers(questionnaire, rnd):
    """Answers of a random strength and completeness, so every level and 'too few answers' occur."""
    strength, filled = rnd.random(), rnd.choice((0.4, 0.7, 0.9, 1.0))
    answers = {}
    for question in questionnaire.questions:
        if rnd.random() > filled:
            continue
        ranked = sorted(question.options, key=lambda o: -1 if o.score is None else o.score)
        pick = min(len(ranked) - 1, int(rnd.triangular(0, len(ranked), strength * len(ranked))))
        answers[question.id] = ranked[pick].value
    return answers


# -- level moves on a generated data set ------------------------------------------------------------


def _generated_checks(count=200, seed=18):
    rnd = random.Random(seed)
    checks = []
    for _ in range(count):
        answers = _random_answers(OLD, rnd)
        checks.append({q: (v, rnd.choice(("", "", "Zie de nota."))) for q, v in answers.items()})
    return checks


def _expected(old, new, checks):
    """The counts, from scoring.score on each version directly."""
    expected = {d.id: dict.fromkeys(("up", "same", "down", "unscored", "new"), 0) for d in new.domains}
    overall = dict.fromkeys(("up", "same", "down", "unscored", "new"), 0)
    rows = []

    def tally(counts, before, after):
        key = (
            "unscored"
            if before is None or after is None
            else "up"
            if after > before
            else "down"
            if after < before
            else "same"
        )
        counts[key] += 1

    for values in checks:
        before = scoring.score(old, answers_of(values))
        after = scoring.score(new, answers_of(carry_over(old, new, values)))
        tally(overall, before.level and before.level.rank, after.level and after.level.rank)
        for domain in new.domains:
            if old.domain(domain.id) is None:
                expected[domain.id]["new"] += 1
            else:
                old_level = before.domain(domain.id).level
                new_level = after.domain(domain.id).level
                tally(expected[domain.id], old_level and old_level.rank, new_level and new_level.rank)
        rows.append((before.level and before.level.id, after.level and after.level.id))
    return overall, expected, rows


def test_level_moves_match_scoring_on_a_generated_data_set():
    checks = _generated_checks()
    moves = level_moves(OLD, NEW, checks)
    overall, expected, rows = _expected(OLD, NEW, checks)
    assert moves.comparable and moves.checks == 200
    assert moves.overall == Count(**overall)
    for domain in moves.domains:
        assert {k: getattr(domain, k) for k in expected[domain.domain_id]} == expected[domain.domain_id], (
            domain.domain_id
        )
        assert domain.total == 200 and not domain.is_new
    assert [(r.old_level, r.new_level) for r in moves.rows] == rows
    assert [d.title for d in moves.domains] == ["Beleid", "Samenwerking"]
    # the data set moves levels every way, so the comparison above means something
    for count in (moves.overall, moves.domain("a"), moves.domain("b")):
        assert count.up and count.same and count.down and count.unscored, count


def test_a_new_domain_counts_as_new():
    def add_domain(data):
        data["domains"].append(
            {
                "id": "c",
                "title": "Nieuw domein",
                "introduction": "C.",
                "questions": [{"id": "c1", "text": "C1?", "help": "C.", "scale": "ja_nee", "source": "Bron"}],
            }
        )

    wider = _variant(VERSIONS / "new.yaml", add_domain)
    checks = _generated_checks(50, seed=3)
    moves = level_moves(OLD, wider, checks)
    overall, expected, _ = _expected(OLD, wider, checks)
    assert moves.domain("c").is_new and moves.domain("c").new == 50 and moves.domain("c").total == 50
    assert moves.overall == Count(**overall) and moves.overall.unscored == 50  # c1 is never answered
    for domain in moves.domains:
        assert {k: getattr(domain, k) for k in expected[domain.domain_id]} == expected[domain.domain_id]


def test_a_merge_that_takes_the_weaker_answer_moves_a_domain_down():
    check = dict.fromkeys(("a1", "a2", "a3", "a4"), ("uitgevoerd", "")) | {
        "b1": ("ja", ""),
        "b2": ("ja", ""),
        "b3": ("nee", ""),
    }
    moves = level_moves(OLD, NEW, [check])
    (row,) = moves.rows
    # b: ja, ja, nee is 67 (Vier); on v2 b23 gets the weaker 'nee': ja, nee is 50 (Drie)
    assert dict(row.old_ranks)["b"] == 4 and dict(row.new_ranks)["b"] == 3
    assert (moves.domain("b").down, moves.domain("b").total) == (1, 1)
    assert moves.domain("a").same == 1  # a: 75 on v1, 71 on v2: Vier on both
    assert (row.old_level, row.new_level) == ("l4", "l3") and moves.overall == Count(down=1)


def test_the_same_version_moves_nothing():
    checks = _generated_checks(100, seed=5)
    moves = level_moves(OLD, OLD, checks)
    assert moves.comparable and moves.overall.up == moves.overall.down == 0
    assert all(d.up == d.down == 0 and d.same + d.unscored == 100 for d in moves.domains)


def test_unmapped_versions_are_not_comparable():
    unmapped = _variant(VERSIONS / "new.yaml", lambda d: d.pop("mapping"))
    moves = level_moves(OLD, unmapped, _generated_checks(20))
    assert not moves.comparable and moves.checks == 20 and moves.rows == ()
    assert (moves.old_version, moves.new_version) == ("v1", "v2")
    assert moves.overall == Count() and all(d.total == 0 for d in moves.domains)
    assert [d.domain_id for d in moves.domains] == ["a", "b"]


def test_a_complete_check_on_the_earlier_real_version_has_no_overall_level_on_the_current_one():
    earlier = load_questionnaire(ROOT / "questionnaires" / "2026.1.yaml")
    current = load_questionnaire(ROOT / "questions.yaml")
    # questions.yaml asks much that 2026.1 did not: a complete 2026.1 check, carried over, has too few
    # answers in some domain for a level, so it cannot be compared overall
    complete = {q.id: ("vastgelegd" if q.option("vastgelegd") else q.options[0].value, "") for q in earlier.questions}
    assert level_moves(earlier, current, [complete]).overall == Count(unscored=1)


def _variant(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    return parse_questionnaire(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
