from selfcheck.core.consensus import RespondentAnswers, disagreements, perspective_spread
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
