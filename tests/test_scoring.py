"""Scoring, with every figure computed by hand (see tests/core_fixtures.py for the points)."""

from fractions import Fraction

import pytest

from selfcheck.core.scoring import score
from tests.core_fixtures import small_data, small_questionnaire


@pytest.fixture(scope="module")
def questionnaire():
    return small_questionnaire()


def a(a1=None, a2=None, a3=None):
    return {k: v for k, v in {"a1": a1, "a2": a2, "a3": a3}.items() if v is not None}


@pytest.mark.parametrize(
    "answers,                                          score_a, level_a, held_back",
    [
        # all 'nee' and all 'weet ik niet' score the same: nothing is shown to be in place
        (a("nee", "nee", "nee"), 0, "l1", None),
        (a("weet_niet", "weet_niet", "weet_niet"), 0, "l1", None),
        # 'weet ik niet' replacing 'nee' never scores higher: (2*3/4) / 4 = 37.5 -> 38 both ways
        (a("uitgevoerd", "nee", "nee"), 38, "l2", None),
        (a("uitgevoerd", "weet_niet", "weet_niet"), 38, "l2", None),
        (a("uitgevoerd", "weet_niet", "nee"), 38, "l2", None),
        # the case: most weight at the top, the rest unknown or 'nee': (2*1 + 1) / 4 = 75 both ways
        (a("geevalueerd", "geevalueerd", "weet_niet"), 75, "l4", None),
        (a("geevalueerd", "geevalueerd", "nee"), 75, "l4", None),
        # everything on paper: 1/2 -> 50, Vastgelegd
        (a("vastgelegd", "vastgelegd", "vastgelegd"), 50, "l3", None),
        # carried out everywhere: 3/4 -> 75, l4; evaluated everywhere: 100, l5
        (a("uitgevoerd", "uitgevoerd", "uitgevoerd"), 75, "l4", None),
        (a("geevalueerd", "geevalueerd", "geevalueerd"), 100, "l5", None),
        # score 62.5 -> 63 is in l4's range, but only a2 (weight 1 of 4) is carried out: held back to l3
        (a("vastgelegd", "geevalueerd", "vastgelegd"), 63, "l3", ("l4", Fraction(1, 4))),
        # half of the weight carried out is enough: (2*1 + 1/2 + 1/2) / 4 = 75
        (a("geevalueerd", "vastgelegd", "vastgelegd"), 75, "l4", None),
        # (2*3/4 + 1 + 3/4) / 4 = 81.25 -> 81 is in l5's range, but only a2 (1 of 4) is evaluated: l4
        (a("uitgevoerd", "geevalueerd", "uitgevoerd"), 81, "l4", ("l5", Fraction(1, 4))),
        # (2*3/4 + 1 + 1) / 4 = 87.5 -> 88; a2 and a3 evaluated: half the weight, enough for l5
        (a("uitgevoerd", "geevalueerd", "geevalueerd"), 88, "l5", None),
        # regional answers count as the gemeente's own: (2*3/4 + 3/4 + 1/2) / 4 = 68.75 -> 69
        (a("regio", "regio", "vastgelegd"), 69, "l4", None),
    ],
)
def test_domain_score(questionnaire, answers, score_a, level_a, held_back):
    result = score(questionnaire, answers).domain("a")
    assert result.score == score_a
    assert result.level.id == level_a
    if held_back is None:
        assert result.held_back is None or result.held_back.level.id != level_a
    else:
        assert (result.held_back.level.id, result.held_back.share) == held_back


def test_a_level_held_back_twice_names_the_level_the_score_reached():
    data = small_data()
    data["levels"][3]["requires"]["share"] = 0.9  # l4 now needs 90% carried out
    result = score(small_questionnaire(data), a("uitgevoerd", "geevalueerd", "vastgelegd")).domain("a")
    # (2*3/4 + 1 + 1/2) / 4 = 75 -> l4's range; carried out 3/4 < 0.9 -> l3
    assert (result.score, result.level.id) == (75, "l3")
    assert (result.held_back.level.id, result.held_back.share) == ("l4", Fraction(3, 4))
    # 81 -> l5's range; evaluated 1/4 < 1/2 -> l4, where all is carried out (1 >= 0.9): l4
    result = score(small_questionnaire(data), a("uitgevoerd", "geevalueerd", "uitgevoerd")).domain("a")
    assert (result.score, result.level.id, result.held_back.level.id) == (81, "l4", "l5")


def test_coverage_counts_unknowns_but_not_blanks(questionnaire):
    # a3 blank: (2*1/2 + 1/4) / 3 over coverage 3/4 -> 5/12 -> 41.7 -> 42
    result = score(questionnaire, a("vastgelegd", "deels")).domain("a")
    assert (result.score, result.coverage, result.level.id) == (42, Fraction(3, 4), "l3")
    # too little answered: weight 1 of 4 < 0.5 -> no score
    result = score(questionnaire, a(a2="geevalueerd")).domain("a")
    assert (result.score, result.level, result.coverage) == (None, None, Fraction(1, 4))
    # 'weet ik niet' is an answer: coverage 1, score 0
    result = score(questionnaire, a("weet_niet", "weet_niet")).domain("a")
    assert (result.score, result.coverage) == (0, Fraction(3, 4))


def test_many_unknowns_are_flagged(questionnaire):
    # unknown_warning 0.5: a1 alone (weight 2 of 4) is enough
    assert score(questionnaire, a("weet_niet", "geevalueerd", "geevalueerd")).domain("a").rests_on_unknowns
    assert not score(questionnaire, a("geevalueerd", "weet_niet", "geevalueerd")).domain("a").rests_on_unknowns
    assert not score(questionnaire, a("nee", "nee", "nee")).domain("a").rests_on_unknowns


ALL_B = {"b1": "ja", "b2": "ja"}


@pytest.mark.parametrize(
    "answers, overall, level, caps",
    [
        # all best: A 100, B 100
        ({**a("geevalueerd", "geevalueerd", "geevalueerd"), **ALL_B}, 100, "l5", []),
        # the precondition a1 'deels', 'weet ik niet' or 'vastgelegd' (below 3): the same cap to l3.
        # A = (2*1/4 + 1 + 1) / 4 = 62.5, B = 100 -> 81.25 -> 81
        ({**a("deels", "geevalueerd", "geevalueerd"), **ALL_B}, 81, "l3", ["a1"]),
        # A = (0 + 2) / 4 = 50, B = 100 -> 75: l4 (a2+a3 carried out: 1/2 of A's half), capped to l3
        ({**a("weet_niet", "geevalueerd", "geevalueerd"), **ALL_B}, 75, "l3", ["a1"]),
        ({**a("nee", "geevalueerd", "geevalueerd"), **ALL_B}, 75, "l3", ["a1"]),
        # a1 carried out (3) meets the cap; A = (2*3/4 + 2) / 4 = 87.5, B 100 -> 93.75 -> 94; evaluated 1/2 -> l5
        ({**a("uitgevoerd", "geevalueerd", "geevalueerd"), **ALL_B}, 94, "l5", []),
        # all 'nee': l1, so the cap does not need to lower anything
        ({**a("nee", "nee", "nee"), "b1": "nee", "b2": "nee"}, 0, "l1", []),
    ],
)
def test_overall_level_and_caps(questionnaire, answers, overall, level, caps):
    result = score(questionnaire, answers)
    assert (result.score, result.level.id, [c.question_id for c in result.caps]) == (overall, level, caps)


def test_paper_is_not_practice_overall(questionnaire):
    # A all on paper (50) and B all yes (100, facts without practice stages): 75 is l4's range, but
    # none of what can be carried out is: held back to l3 (and a1 'vastgelegd' is below the cap too)
    result = score(questionnaire, {**a("vastgelegd", "vastgelegd", "vastgelegd"), **ALL_B})
    assert result.score == 75 and result.level.id == "l3"
    assert (result.held_back.level.id, result.held_back.share) == ("l4", 0)


def test_domain_weights_in_overall():
    data = small_data()
    data["domains"][1]["weight"] = 3
    result = score(
        small_questionnaire(data), {**a("geevalueerd", "geevalueerd", "geevalueerd"), "b1": "nee", "b2": "nee"}
    )
    assert result.score == 25  # (1*100 + 3*0) / 4


def test_no_overall_score_while_a_domain_lacks_answers(questionnaire):
    result = score(questionnaire, a("geevalueerd", "geevalueerd", "geevalueerd"))
    assert result.domain("b").score is None
    assert result.score is None and result.level is None
    assert (result.answered, result.total, result.completeness) == (3, 5, 60)


def test_invalid_answers_raise(questionnaire):
    with pytest.raises(ValueError):
        score(questionnaire, {"zz": "ja"})
    with pytest.raises(ValueError):
        score(questionnaire, {"a1": "misschien"})


def test_strengths_gaps_and_unknowns(questionnaire):
    # gap_below 0.5: deels (1/4) is a gap, vastgelegd (1/2) is not; 'weet ik niet' is neither
    result = score(questionnaire, a("vastgelegd", "deels", "weet_niet")).domain("a")
    assert [q.question.id for q in result.strengths] == ["a1"]
    assert [q.question.id for q in result.gaps] == ["a2"]
    assert [q.question.id for q in result.unknowns] == ["a3"]
