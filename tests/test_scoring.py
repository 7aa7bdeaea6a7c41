from fractions import Fraction

import pytest

from selfcheck.core.scoring import round_half_up, score
from tests.core_fixtures import small_data, small_questionnaire


@pytest.fixture(scope="module")
def questionnaire():
    return small_questionnaire()


# Domain A: a1 (weight 2), a2, a3 on 0..3; domain B: b1, b2 on 0..1; min_coverage 0.5.
@pytest.mark.parametrize(
    "answers,                                     score_a, level_a, coverage_a",
    [
        ({"a1": "geborgd", "a2": "geborgd", "a3": "geborgd"}, 100, "l5", 1),
        ({"a1": "nee", "a2": "nee", "a3": "nee"}, 0, "l1", 1),
        # (2*3 + 1*1 + 1*0) / (4*3) = 7/12 = 58.3
        ({"a1": "geborgd", "a2": "deels", "a3": "nee"}, 58, "l3", 1),
        # weights honoured: (2*0 + 3 + 3) / 12 = 50
        ({"a1": "nee", "a2": "geborgd", "a3": "geborgd"}, 50, "l3", 1),
        # regional answer counts as 2: (2*2 + 2 + 2) / 12 = 66.7
        ({"a1": "regio", "a2": "regio", "a3": "vastgelegd"}, 67, "l4", 1),
        # a3 unanswered: (2*2 + 1) / (3*3) = 55.6 over weight 3 of 4
        ({"a1": "vastgelegd", "a2": "deels"}, 56, "l3", Fraction(3, 4)),
        # 'weet ik niet' is left out, not zero: (2*3)/(2*3) = 100 over weight 2 of 4
        ({"a1": "geborgd", "a2": "weet_niet", "a3": "weet_niet"}, 100, "l5", Fraction(1, 2)),
        # too few answers: weight 1 of 4 < 0.5 -> no score
        ({"a2": "geborgd", "a1": "weet_niet"}, None, None, Fraction(1, 4)),
        ({}, None, None, 0),
    ],
)
def test_domain_score(questionnaire, answers, score_a, level_a, coverage_a):
    result = score(questionnaire, answers).domain("a")
    assert result.score == score_a
    assert (result.level.id if result.level else None) == level_a
    assert result.coverage == coverage_a


@pytest.mark.parametrize(
    "exact, shown, level",
    [
        (Fraction(399, 10), 40, "l3"),  # 39.9 is shown as 40, so it is level 3
        (Fraction(394, 10), 39, "l2"),
        (Fraction(395, 10), 40, "l3"),  # half rounds up
        (Fraction(20), 20, "l2"),  # a boundary belongs to the higher level
        (Fraction(0), 0, "l1"),
        (Fraction(100), 100, "l5"),  # the top includes 100
    ],
)
def test_level_boundaries(questionnaire, exact, shown, level):
    assert round_half_up(exact) == shown
    assert questionnaire.level_for(shown).id == level


def test_overall_is_weighted_mean_of_domains(questionnaire):
    answers = {"a1": "geborgd", "a2": "deels", "a3": "nee", "b1": "ja", "b2": "nee"}
    result = score(questionnaire, answers)
    # A = 7/12 * 100 = 58.33, B = 50; mean = 54.17
    assert [d.score for d in result.domains] == [58, 50]
    assert result.score == 54 and result.level.id == "l3"
    assert (result.answered, result.total, result.completeness) == (5, 5, 100)
    assert result.caps == ()


def test_domain_weights_in_overall():
    data = small_data()
    data["domains"][1]["weight"] = 3
    result = score(
        small_questionnaire(data), {"a1": "geborgd", "a2": "geborgd", "a3": "geborgd", "b1": "nee", "b2": "nee"}
    )
    assert result.score == 25  # (1*100 + 3*0) / 4


def test_no_overall_score_while_a_domain_lacks_answers(questionnaire):
    result = score(questionnaire, {"a1": "geborgd", "a2": "geborgd", "a3": "geborgd", "b1": "ja"})
    assert result.domain("a").score == 100
    assert result.domain("b").score == 100  # one of two, coverage 0.5 is enough
    result = score(questionnaire, {"a1": "geborgd", "a2": "geborgd", "a3": "geborgd"})
    assert result.domain("b").score is None
    assert result.score is None and result.level is None
    assert (result.answered, result.total, result.completeness) == (3, 5, 60)


def test_unknown_counts_as_answered_but_not_scored(questionnaire):
    result = score(questionnaire, {"a1": "weet_niet", "b1": "weet_niet"})
    assert (result.answered, result.unknown, result.completeness) == (2, 2, 40)
    assert result.domain("a").score is None


def test_cap_lowers_overall_level(questionnaire):
    answers = {"a1": "deels", "a2": "geborgd", "a3": "geborgd", "b1": "ja", "b2": "ja"}
    result = score(questionnaire, answers)
    # A = (2*1 + 3 + 3) / 12 = 66.7; B = 100; overall 83 -> l5, capped to l3
    assert result.score == 83
    assert result.level.id == "l3"
    assert [c.question_id for c in result.caps] == ["a1"]


def test_cap_does_not_apply_when_level_already_lower(questionnaire):
    answers = {"a1": "nee", "a2": "nee", "a3": "nee", "b1": "nee", "b2": "nee"}
    result = score(questionnaire, answers)
    assert result.level.id == "l1" and result.caps == ()


def test_invalid_answers_raise(questionnaire):
    with pytest.raises(ValueError):
        score(questionnaire, {"zz": "ja"})
    with pytest.raises(ValueError):
        score(questionnaire, {"a1": "misschien"})


def test_real_questionnaire_all_best_and_all_worst():
    from pathlib import Path

    from selfcheck.core.loader import load_questionnaire

    questionnaire = load_questionnaire(Path(__file__).parent.parent / "questions.yaml")
    best = {
        q.id: max((o for o in q.options if not o.unknown), key=lambda o: o.score).value for q in questionnaire.questions
    }
    worst = {q.id: "nee" for q in questionnaire.questions}
    assert score(questionnaire, best).score == 100
    assert score(questionnaire, best).level.id == questionnaire.levels[-1].id
    assert score(questionnaire, worst).score == 0


def test_strengths_gaps_and_unknowns(questionnaire):
    # gap_below defaults to 0.6: deels (1/3) is a gap, vastgelegd (2/3) is not
    result = score(questionnaire, {"a1": "vastgelegd", "a2": "deels", "a3": "weet_niet"}).domain("a")
    assert [q.question.id for q in result.strengths] == ["a1"]
    assert [q.question.id for q in result.gaps] == ["a2"]
    assert [q.question.id for q in result.unknowns] == ["a3"]
