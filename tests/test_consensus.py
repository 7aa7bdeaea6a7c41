import pytest

from selfcheck.core.consensus import RespondentAnswers, disagreements, perspective_spread, worklist
from tests.core_fixtures import small_questionnaire

Q = small_questionnaire()


def test_disagreement_ranking_on_known_figures():
    respondents = [
        RespondentAnswers("beleid", {"a1": "geevalueerd", "a2": "deels", "a3": "nee", "b1": "ja"}),
        RespondentAnswers("uitvoering", {"a1": "nee", "a2": "vastgelegd", "a3": "nee", "b1": "ja"}),
        RespondentAnswers("inkoop", {"a1": "deels", "a2": "weet_niet", "a3": "weet_niet", "b2": "nee"}),
    ]
    ranked = disagreements(Q, respondents)
    # a1: 4/4 - 0/4 = 1; a2: 2/4 - 1/4 = 1/4 (weet ik niet ignored); a3: 0; b1: 0; b2: one answer, 0
    assert [(d.question.id, d.percent) for d in ranked] == [("a1", 100), ("a2", 25), ("a3", 0), ("b1", 0), ("b2", 0)]
    assert ranked[1].by_perspective == {"beleid": ["deels"], "uitvoering": ["vastgelegd"], "inkoop": ["weet_niet"]}


def test_perspective_spread_per_domain():
    respondents = [
        RespondentAnswers("beleid", {"a1": "geevalueerd", "a2": "geevalueerd", "a3": "geevalueerd"}),
        RespondentAnswers("beleid", {"a1": "vastgelegd", "a2": "vastgelegd", "a3": "vastgelegd"}),
        RespondentAnswers("uitvoering", {"a1": "nee", "a2": "deels", "a3": "nee"}),
    ]
    views = {v.perspective: v for v in perspective_spread(Q, respondents)["a"]}
    assert views["beleid"].respondents == 2 and views["beleid"].score == 75  # mean of 100 and 50
    assert views["beleid"].level.id == "l4"
    assert views["uitvoering"].score == 6 and views["uitvoering"].level.id == "l1"  # (1/4) / 4 = 6.25
    assert {v.score for v in perspective_spread(Q, respondents)["b"]} == {None}  # nobody answered B


@pytest.mark.parametrize(
    ("answers", "gap", "lowest", "highest", "unknown"),
    [
        ([], "none", None, None, 0),
        (["weet_niet"], "few", None, None, 1),
        (["deels"], "few", "deels", "deels", 0),
        (["deels", "deels", "weet_niet"], "agree", "deels", "deels", 1),
        (["deels", "vastgelegd"], "close", "deels", "vastgelegd", 0),  # 1/4 of the scale
        (["nee", "vastgelegd"], "apart", "nee", "vastgelegd", 0),  # 1/2
        (["vastgelegd", "deels", "geevalueerd"], "far", "deels", "geevalueerd", 0),  # 3/4
        (["geevalueerd", "nee"], "far", "nee", "geevalueerd", 0),  # the whole scale
    ],
)
def test_the_gap_between_answers_in_words(answers, gap, lowest, highest, unknown):
    respondents = [RespondentAnswers("beleid", {"a2": value}) for value in answers]
    [item] = [d for d in disagreements(Q, respondents) if d.question.id == "a2"]
    assert item.gap == gap
    assert (item.lowest.value if item.lowest else None, item.highest.value if item.highest else None) == (
        lowest,
        highest,
    )
    assert item.unknown == unknown


def test_the_worklist_numbers_like_the_overview_and_counts_what_is_chosen():
    respondents = [
        RespondentAnswers("beleid", {"a1": "nee", "a3": "geevalueerd"}),
        RespondentAnswers("uitvoering", {"a1": "geevalueerd", "a3": "geevalueerd"}),
    ]
    work = worklist(Q, respondents, chosen={"a2", "b1"})
    assert [(i.number, i.question.id, i.chosen) for i in work.items] == [
        ("1.1", "a1", False),
        ("1.2", "a2", True),
        ("1.3", "a3", False),
        ("2.1", "b1", True),
        ("2.2", "b2", False),
    ]
    assert (work.chosen, work.total) == (2, 5)
    assert [(d.number, d.chosen, len(d.items)) for d in work.domains] == [(1, 1, 3), (2, 1, 2)]
    assert work.domain_of("b2").domain.id == "b"
    # the next question still to choose, from the top again past the end
    assert work.next_open("a1").question.id == "a3"
    assert work.next_open("b2").question.id == "a1"
    assert worklist(Q, respondents, chosen={"a1", "a2", "a3", "b1", "b2"}).next_open("a1") is None
    assert [i.question.id for i in work.furthest_apart()] == ["a1"]  # a3 agrees
