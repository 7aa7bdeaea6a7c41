from selfcheck.core.advice import recommend
from selfcheck.core.scoring import score
from tests.core_fixtures import small_questionnaire

Q = small_questionnaire()


def ids(answers):
    return [a.recommendation.id for a in recommend(score(Q, answers))]


def test_weak_answers_trigger_specific_advice_in_priority_order():
    answers = {"a1": "nee", "a2": "nee", "a3": "nee", "b1": "nee", "b2": "ja"}
    advice = recommend(score(Q, answers))
    assert [a.recommendation.id for a in advice] == ["r_b", "r_a1"]  # priority 1 before 2
    assert advice[0].priority_label == "Hoog"
    reason = advice[0].reasons[0]
    assert (reason.question.id, reason.option.value) == ("b1", "nee")


def test_every_matching_answer_is_a_reason():
    advice = recommend(score(Q, {"b1": "nee", "b2": "nee"}))
    b = next(a for a in advice if a.recommendation.id == "r_b")
    assert [(r.question.id, r.option.value) for r in b.reasons] == [("b1", "nee"), ("b2", "nee")]


def test_strong_domain_gets_sustain_advice():
    answers = {"a1": "geborgd", "a2": "geborgd", "a3": "vastgelegd", "b1": "ja", "b2": "ja"}
    advice = recommend(score(Q, answers))
    assert [a.recommendation.id for a in advice] == ["r_a_sterk"]
    assert advice[0].reasons[0].level.id == "l5"


def test_level_trigger_needs_a_domain_score():
    # a1 unanswered and a2/a3 'weet ik niet': no score for A, so no level advice
    assert "r_a_sterk" not in ids({"a2": "weet_niet", "a3": "geborgd"})


def test_many_unknown_answers_trigger_knowledge_advice():
    advice = recommend(score(Q, {"a2": "weet_niet", "b1": "weet_niet"}))
    kennis = next(a for a in advice if a.recommendation.id == "r_kennis")
    assert kennis.reasons[0].unknown_count == 2
    assert "r_kennis" not in ids({"a2": "weet_niet"})


def test_ties_keep_domain_then_file_order():
    # r_kennis (domain a, priority 1) and r_b (domain b, priority 1): domain a first
    answers = {"a2": "weet_niet", "a3": "weet_niet", "b1": "nee"}
    assert ids(answers)[:2] == ["r_kennis", "r_b"]


def test_no_answers_no_advice():
    assert ids({}) == []
