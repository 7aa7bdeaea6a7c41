from selfcheck.core.report import build_report
from tests.core_fixtures import small_data, small_questionnaire


def test_report_collects_answers_advice_and_procurement_items():
    data = small_data()
    data["domains"][0]["questions"][1]["requirements"] = ["Eis bij a2."]
    data["domains"][0]["questions"][2]["requirements"] = ["Eis bij a3."]
    data["domains"][0]["questions"][0]["requirements"] = ["Eis bij a1."]
    questionnaire = small_questionnaire(data)
    values = {"a1": ("geevalueerd", "Goed geregeld <b>echt</b>"), "a2": ("nee", ""), "b1": (None, "Alleen notitie")}
    report = build_report(questionnaire, values, gemeente="Breda", year=2026, submitted=False)
    assert report.answers["a1"].option.value == "geevalueerd"
    assert report.answers["a1"].comment == "Goed geregeld <b>echt</b>"  # escaping is the template's job
    assert report.answers["b1"].option is None and report.answers["b1"].comment == "Alleen notitie"
    # a1 is a strength; a2 is a gap; a3 is unanswered: both are in the annex
    assert [q.question.id for q in report.procurement] == ["a2", "a3"]
    # A = (2*1 + 0) / 3 = 67, level 4 (a1, half the weight, is carried out): the advice on the a2 gap,
    # then the forward-looking advice; nothing on a1
    assert [a.recommendation.id for a in report.advice_for("a")] == ["r_a2", "r_a_sterk"]
    assert report.advice_for("b") == ()
    assert [a.recommendation.id for a in report.start_package] == ["r_a2", "r_a_sterk"]
