from pathlib import Path

import pytest
import yaml

from selfcheck.core.loader import QuestionnaireError, load_questionnaire, parse_questionnaire
from tests.core_fixtures import small_data, small_questionnaire

ROOT = Path(__file__).resolve().parent.parent


def problems_of(data) -> list[str]:
    with pytest.raises(QuestionnaireError) as info:
        small_questionnaire(data)
    return info.value.problems


def test_shipped_questionnaire_is_valid():
    questionnaire = load_questionnaire(ROOT / "questions.yaml")
    assert [d.id for d in questionnaire.domains] == [
        "agendasetting",
        "inkoop",
        "regie",
        "opdrachtgeverschap",
        "randvoorwaarden",
    ]
    for domain in questionnaire.domains:
        assert 6 <= len(domain.questions) <= 10, domain.id
        assert domain.introduction
    assert len(questionnaire.levels) in (4, 5)
    # every domain has advice for the weak and for the strong
    for domain in questionnaire.domains:
        recs = [r for r in questionnaire.recommendations if r.domain_id == domain.id]
        assert any(r.when.answers for r in recs), domain.id
        assert any(r.when.levels for r in recs), domain.id


def test_shipped_questionnaire_offers_weet_ik_niet_and_regional_answers():
    questionnaire = load_questionnaire(ROOT / "questions.yaml")
    assert all(any(o.unknown for o in q.options) for q in questionnaire.questions)
    regional = [q for q in questionnaire.questions if any(o.regional for o in q.options)]
    assert regional and all(o.score > 0 for q in regional for o in q.options if o.regional)


def test_small_questionnaire_builds_model():
    questionnaire = small_questionnaire()
    a1 = questionnaire.question("a1")
    assert a1.weight == 2 and a1.max_score == 3 and a1.domain_id == "a"
    assert a1.option("weet_niet").unknown and a1.option("regio").regional
    assert questionnaire.recommendations[1].when.answers == (("b1", ("nee",)), ("b2", ("nee",)))


def test_duplicate_option_value():
    data = small_data()
    data["domains"][1]["questions"][0]["options"] = [
        {"value": "ja", "label": "Ja", "score": 1},
        {"value": "ja", "label": "Ja!", "score": 0},
    ]
    del data["domains"][1]["questions"][0]["scale"]
    assert "domains[1].questions[0].options: dubbele waarde 'ja'" in problems_of(data)


def test_unknown_question_in_recommendation():
    data = small_data()
    data["recommendations"][0]["when"]["answers"]["zz9"] = ["nee"]
    assert "recommendations[0].when.answers.zz9: onbekende vraag 'zz9'" in problems_of(data)


def test_unknown_option_in_recommendation():
    data = small_data()
    data["recommendations"][1]["when"]["answers"]["b1"] = ["misschien"]
    assert "recommendations[1].when.answers.b1: vraag 'b1' heeft geen antwoord 'misschien'" in problems_of(data)


def test_gap_between_levels():
    data = small_data()
    data["levels"][2]["min"] = 45
    assert "levels[2].min: gat tussen niveaus: 40 tot 45 valt onder geen niveau" in problems_of(data)


def test_overlap_between_levels():
    data = small_data()
    data["levels"][3]["min"] = 50
    assert "levels[3].min: overlap tussen niveaus: 50 tot 60 valt onder twee niveaus" in problems_of(data)


def test_levels_must_span_0_to_100():
    data = small_data()
    data["levels"][4]["max"] = 90
    assert "levels[4].max: het hoogste niveau moet bij 100 eindigen, niet bij 90" in problems_of(data)


def test_missing_dutch_text():
    data = small_data()
    del data["domains"][0]["questions"][1]["help"]
    data["levels"][0]["label"] = "  "
    problems = problems_of(data)
    assert "domains[0].questions[1].help: ontbrekende tekst" in problems
    assert "levels[0].label: ontbrekende tekst" in problems


def test_duplicate_question_id_across_domains():
    data = small_data()
    data["domains"][1]["questions"][1]["id"] = "a2"
    assert "domains[1].questions[1].id: dubbele vraag-id 'a2'" in problems_of(data)


def test_invalid_id_and_unknown_scale():
    data = small_data()
    data["domains"][0]["questions"][0]["id"] = "Vraag 1"
    data["domains"][0]["questions"][1]["scale"] = "vijfpunts"
    problems = problems_of(data)
    assert any(p.startswith("domains[0].questions[0].id: ongeldige id 'Vraag 1'") for p in problems)
    assert "domains[0].questions[1].scale: onbekende antwoordschaal 'vijfpunts'" in problems


def test_bad_weight_and_priority():
    data = small_data()
    data["domains"][0]["questions"][2]["weight"] = "zwaar"
    data["recommendations"][2]["priority"] = 7
    problems = problems_of(data)
    assert "domains[0].questions[2].weight: verwacht een getal, niet 'zwaar'" in problems
    assert "recommendations[2].priority: onbekende prioriteit 7; kies uit [1, 2, 3]" in problems


def test_unknown_level_in_trigger_and_cap():
    data = small_data()
    data["recommendations"][2]["when"]["levels"] = ["l9"]
    data["overall_caps"][0]["max_level"] = "top"
    problems = problems_of(data)
    assert "recommendations[2].when.levels: onbekend niveau 'l9'" in problems
    assert "overall_caps[0].max_level: onbekend niveau 'top'" in problems


def test_scale_with_two_unknown_options():
    data = small_data()
    data["scales"]["standaard"].append({"value": "geen_idee", "label": "?", "unknown": True})
    assert "scales.standaard: meer dan één 'weet ik niet'-antwoord" in problems_of(data)


def test_every_problem_is_reported_at_once():
    data = small_data()
    data["levels"][2]["min"] = 45
    del data["domains"][0]["introduction"]
    data["recommendations"][0]["when"]["answers"]["zz9"] = ["nee"]
    assert len(problems_of(data)) == 3


def test_duplicate_yaml_key_is_an_error():
    text = "version: 1\nversion: 2\n"
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(text)
    assert info.value.problems == ["regel 2, kolom 1: geen geldige YAML (dubbele sleutel 'version')"]


def test_yaml_syntax_error_names_line():
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire("version: 1\ndomains: [\n")
    assert info.value.problems[0].startswith("regel 3")


def test_missing_file():
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(ROOT / "nope.yaml")
    assert "kan het bestand niet lezen" in info.value.problems[0]


def test_fingerprint_ignores_layout_but_not_content():
    base = small_questionnaire()
    text = yaml.safe_dump(small_data(), sort_keys=True)
    relaid = parse_questionnaire("# a comment\n" + text)
    assert relaid.fingerprint == base.fingerprint
    changed = small_data()
    changed["domains"][0]["questions"][0]["text"] = "Andere tekst?"
    assert small_questionnaire(changed).fingerprint != base.fingerprint


def test_requirements_must_be_texts():
    data = small_data()
    data["domains"][0]["questions"][0]["requirements"] = ["Eis een.", ""]
    data["domains"][0]["questions"][1]["requirements"] = "geen lijst"
    problems = problems_of(data)
    assert "domains[0].questions[0].requirements[1]: ontbrekende tekst" in problems
    assert "domains[0].questions[1].requirements: verwacht een lijst met teksten" in problems


def test_shipped_requirements_cover_procurement_domains():
    questionnaire = load_questionnaire(ROOT / "questions.yaml")
    for domain_id in ("inkoop", "opdrachtgeverschap"):
        assert all(q.requirements for q in questionnaire.domain(domain_id).questions), domain_id
