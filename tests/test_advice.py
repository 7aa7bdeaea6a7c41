from selfcheck.core.advice import recommend, start_package
from selfcheck.core.scoring import score
from tests.core_fixtures import small_data, small_questionnaire

Q = small_questionnaire()
BEST = {"a1": "geevalueerd", "a2": "geevalueerd", "a3": "geevalueerd", "b1": "ja", "b2": "ja"}


def advice(**answers):
    return recommend(score(Q, {**BEST, **answers}))


def ids(**answers):
    return [a.recommendation.id for a in advice(**answers)]


def test_a_single_question_rule_fires_on_exactly_its_answers():
    for value in ("nee", "deels"):
        assert "r_a1" in ids(a1=value)
    for value in ("vastgelegd", "uitgevoerd", "geevalueerd", "regio", "weet_niet"):
        assert "r_a1" not in ids(a1=value), value


def test_a_rule_on_two_questions_needs_both():
    assert "r_b" in ids(b1="nee", b2="nee")
    assert "r_b" not in ids(b1="nee")
    assert "r_b" not in ids(b2="nee")
    r_b = next(a for a in advice(b1="nee", b2="nee") if a.recommendation.id == "r_b")
    assert [(r.question.id, r.option.value) for r in r_b.reasons] == [("b1", "nee"), ("b2", "nee")]


def test_paper_gets_its_own_advice_naming_each_question_on_paper():
    paper = next(a for a in advice(a2="vastgelegd", a3="vastgelegd") if a.recommendation.id == "r_a_papier")
    assert [r.question.id for r in paper.reasons] == ["a2", "a3"]
    assert "r_a_papier" not in ids(a2="uitgevoerd")


def test_every_unknown_gets_a_first_step():
    for qid in ("a1", "a2", "a3"):
        found = next(a for a in advice(**{qid: "weet_niet"}) if a.recommendation.id == "r_a_uitzoeken")
        assert [(r.question.id, r.find_out) for r in found.reasons] == [(qid, f"Vraag het na voor {qid}.")]


def test_strong_domain_gets_forward_looking_advice_only():
    assert ids() == ["r_a_sterk"]
    assert advice()[0].reasons[0].level.id == "l5"


def test_level_trigger_needs_a_domain_score():
    assert "r_a_sterk" not in [a.recommendation.id for a in recommend(score(Q, {"a2": "geevalueerd"}))]


def test_cap_preconditions_rank_first_then_what_the_advice_can_win():
    ranked = advice(a1="nee", a2="nee", b1="nee", b2="nee")
    # r_a1 speaks to the cap's precondition; then r_b (B is half the total: 2 * 1/4 * 50 = 50 points)
    # before r_a2 (1/4 of A: 12.5 points), whatever the file order or priority says
    assert [a.recommendation.id for a in ranked] == ["r_a1", "r_b", "r_a2"]
    assert ranked[0].precondition and not ranked[1].precondition
    assert [float(a.impact) for a in ranked] == [25.0, 50.0, 12.5]


def test_only_the_first_few_keep_the_top_priority():
    # top_priority_max is 1: r_b and r_a2 are both 'Hoog' in the file; the second one ranked becomes 'Middel'
    ranked = {a.recommendation.id: a.priority_label for a in advice(a2="nee", b1="nee", b2="nee")}
    assert ranked == {"r_b": "Hoog", "r_a2": "Middel", "r_a_sterk": "Laag"}  # A is still at 75, l4
    data = small_data()
    data["scoring"]["top_priority_max"] = 0  # no limit
    unlimited = recommend(score(small_questionnaire(data), {**BEST, "a2": "nee", "b1": "nee", "b2": "nee"}))
    assert [a.priority_label for a in unlimited] == ["Hoog", "Hoog", "Laag"]


def test_start_package_spreads_over_domains():
    ranked = advice(a1="nee", a2="nee", a3="vastgelegd", b1="nee", b2="nee")
    assert [a.recommendation.id for a in ranked][:3] == ["r_a1", "r_b", "r_a2"]
    assert [a.recommendation.id for a in start_package(ranked, 2)] == ["r_a1", "r_b"]
    # with only two domains, the third comes from the ranking
    assert [a.recommendation.id for a in start_package(ranked, 3)] == ["r_a1", "r_b", "r_a2"]


def test_no_answers_no_advice():
    assert recommend(score(Q, {})) == []


def test_start_package_holds_at_most_one_find_out_first():
    data = small_data()
    data["recommendations"].append(
        {
            "id": "r_a3",
            "domain": "a",
            "title": "A3",
            "text": "Doe A3.",
            "priority": 2,
            "source": "Bron",
            "when": [{"question": "a3", "answers": ["nee"]}],
        }
    )
    data["recommendations"].append(
        {
            "id": "r_b_uitzoeken",
            "domain": "b",
            "title": "B uitzoeken",
            "text": "Zoek B uit.",
            "priority": 2,
            "source": "Bron",
            "when": [{"unknown": True}],
        }
    )
    questionnaire = small_questionnaire(data)
    ranked = recommend(score(questionnaire, {**BEST, "a2": "weet_niet", "b1": "weet_niet", "a3": "nee"}))
    # both find-out items outrank the a3 gap, but the package takes one of them, then the gap
    assert [a.recommendation.id for a in ranked][:2] == ["r_b_uitzoeken", "r_a_uitzoeken"]
    assert all(a.finding_out for a in ranked[:2])
    assert [a.recommendation.id for a in start_package(ranked, 2)] == ["r_b_uitzoeken", "r_a3"]
    # only when nothing else is left does a second inventory come in
    assert [a.recommendation.id for a in start_package(ranked, 3)] == ["r_b_uitzoeken", "r_a_uitzoeken", "r_a3"]


def test_a_precondition_is_given_not_a_gap():
    data = small_data()
    # advice on a2 that builds on a1 being evaluated (its best answer): a1 is given, a2 is the gap
    data["recommendations"][1]["when"].append({"question": "a1", "answers": ["geevalueerd"]})
    data["overall_caps"][0]["question"] = "a1"
    ranked = recommend(score(small_questionnaire(data), {**BEST, "a2": "nee"}))
    a2 = next(a for a in ranked if a.recommendation.id == "r_a2")
    assert [(r.question.id, r.given) for r in a2.reasons] == [("a2", False), ("a1", True)]
    assert float(a2.impact) == 12.5 and not a2.precondition  # a2's quarter of A's half only
