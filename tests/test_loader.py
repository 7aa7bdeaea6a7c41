from pathlib import Path

import pytest
import yaml

from selfcheck.core.loader import QuestionnaireError, load_questionnaire, parse_questionnaire
from selfcheck.core.questionnaire import (
    INSTRUMENTS,
    AnswerIs,
    Clause,
    Placeholder,
    Trigger,
    UnknownAtLeast,
    Verification,
)
from tests.core_fixtures import small_data, small_questionnaire

ROOT = Path(__file__).resolve().parent.parent


def problems_of(data) -> list[str]:
    with pytest.raises(QuestionnaireError) as info:
        small_questionnaire(data)
    return info.value.problems


def test_small_questionnaire_builds_model():
    questionnaire = small_questionnaire()
    a1 = questionnaire.question("a1")
    assert a1.weight == 2 and a1.max_score == 4 and a1.domain_id == "a"
    assert a1.option("weet_niet").unknown and a1.option("regio").regional
    assert a1.option("uitgevoerd").stage.id == "uitgevoerd" and a1.option("deels").stage is None
    assert a1.top_stage_rank == 3 and questionnaire.question("b1").top_stage_rank == 0
    assert a1.find_out == "Vraag het na voor a1."
    assert questionnaire.level("l4").requires.stage.id == "uitgevoerd"
    assert questionnaire.recommendations[2].when == Trigger(
        (AnswerIs("b1", ("nee",)), AnswerIs("b2", ("nee",))), all=True
    )
    assert questionnaire.mapping.translate("oud_a1", "ja") == ("a1", "vastgelegd")
    assert questionnaire.mapping.translate("oud_a1", "misschien") == ("a1", None)
    assert questionnaire.mapping.translate("a2", "nee") is None


def test_glossary_terms_are_found_as_whole_words():
    questionnaire = small_questionnaire()
    assert [t.term for t in questionnaire.terms_in("Doet de aanbieder de kindcheck?")] == ["Kindcheck"]
    assert [t.term for t in questionnaire.terms_in("KOPP-groep en KOPP/KOV")] == ["KOPP/KOV"]
    assert questionnaire.terms_in("Kindchecks tellen", "KOPPEL") == ()


def test_the_earlier_version_still_loads():
    """Checks filled in with 2026.1 are read with it: its 'any one of' triggers keep working."""
    earlier = load_questionnaire(ROOT / "questionnaires" / "2026.1.yaml")
    assert earlier.version == "2026.1" and len(earlier.questions) == 40
    legacy = [r.when for r in earlier.recommendations]
    assert all(not w.all for w in legacy)
    assert any(isinstance(c, UnknownAtLeast) for w in legacy for c in w.conditions)


@pytest.mark.parametrize(
    "path, key, expected",
    [
        ((), "titel", "titel: onbekende sleutel 'titel'; bedoelt u 'title'?"),
        (
            ("scoring",),
            "min_coverag",
            "scoring.min_coverag: onbekende sleutel 'min_coverag'; bedoelt u 'min_coverage'?",
        ),
        (("stages", 0), "lable", "stages[0].lable: onbekende sleutel 'lable'; bedoelt u 'label'?"),
        (("levels", 1), "descripton", "levels[1].descripton: onbekende sleutel 'descripton'; bedoelt u 'description'?"),
        (("levels", 3, "requires"), "shar", "levels[3].requires.shar: onbekende sleutel 'shar'; bedoelt u 'share'?"),
        (("overall_caps", 0), "reden", "overall_caps[0].reden: onbekende sleutel 'reden'; bedoelt u 'reason'?"),
        (
            ("scales", "standaard", 1),
            "scroe",
            "scales.standaard[1].scroe: onbekende sleutel 'scroe'; bedoelt u 'score'?",
        ),
        (("domains", 0), "intro", "domains[0].intro: onbekende sleutel 'intro'; bedoelt u 'introduction'?"),
        (
            ("domains", 0, "questions", 1),
            "wieght",
            "domains[0].questions[1].wieght: onbekende sleutel 'wieght'; bedoelt u 'weight'?",
        ),
        (
            ("domains", 0, "questions", 2),
            "requirments",
            "domains[0].questions[2].requirments: onbekende sleutel 'requirments'; bedoelt u 'requirements'?",
        ),
        (("recommendations", 0), "prioriteit", "recommendations[0].prioriteit: onbekende sleutel 'prioriteit'"),
        (
            ("recommendations", 1, "when", 0),
            "answer",
            "recommendations[1].when[0].answer: onbekende sleutel 'answer'; bedoelt u 'answers'?",
        ),
        (("glossary", 0), "definitie", "glossary[0].definitie: onbekende sleutel 'definitie'; bedoelt u 'definition'?"),
        (("mapping",), "from", "mapping.from: onbekende sleutel 'from'; bedoelt u 'from_version'?"),
        (
            ("mapping", "questions", 0),
            "nieuw",
            "mapping.questions[0].nieuw: onbekende sleutel 'nieuw'; bedoelt u 'new'?",
        ),
    ],
)
def test_unknown_keys_are_reported_at_every_level(path, key, expected):
    data = small_data()
    node = data
    for step in path:
        node = node[step]
    node[key] = 5
    assert any(p.startswith(expected) for p in problems_of(data)), problems_of(data)


def test_a_misspelled_weight_no_longer_loads_silently():
    data = small_data()
    data["domains"][0]["questions"][0]["wieght"] = 5
    del data["domains"][0]["questions"][0]["weight"]
    assert len(problems_of(data)) == 1


def test_conditions():
    data = small_data()
    data["recommendations"][0]["when"] = [{"question": "a1", "answers": ["nee"], "stage": "vastgelegd"}]
    data["recommendations"][1]["when"] = [{"question": "a2"}]
    data["recommendations"][3]["when"] = [{"stage": "gedroomd"}]
    data["recommendations"][4]["when"] = [{"unknown": "ja"}]
    data["recommendations"][5]["when"] = []
    problems = problems_of(data)
    assert (
        "recommendations[0].when[0]: geef precies één van: question (met answers), domain_level, stage, unknown"
        in problems
    )
    assert "recommendations[1].when[0].answers: geef de antwoorden waarop het advies afgaat" in problems
    assert (
        "recommendations[3].when[0].stage: onbekende fase 'gedroomd'; kies uit vastgelegd, uitgevoerd, geevalueerd"
        in problems
    )
    assert "recommendations[4].when[0].unknown: schrijf 'unknown: true'" in problems
    assert "recommendations[5].when: verwacht een niet-lege lijst" in problems


def test_stages_and_requirements():
    data = small_data()
    data["scales"]["standaard"][2]["stage"] = "papier"
    data["levels"][0]["requires"] = {"stage": "uitgevoerd", "share": 0.5}
    data["levels"][4]["requires"]["share"] = 2
    data["scales"]["standaard"][6]["stage"] = "vastgelegd"
    problems = problems_of(data)
    assert (
        "scales.standaard[2].stage: onbekende fase 'papier'; kies uit vastgelegd, uitgevoerd, geevalueerd" in problems
    )
    assert "levels[0].requires: het laagste niveau kan geen eis hebben" in problems
    assert "levels[4].requires.share: moet tussen 0 en 1 liggen" in problems
    assert "scales.standaard[6]: een 'weet ik niet'-antwoord (unknown) heeft geen fase" in problems


def test_mapping_problems():
    data = small_data()
    data["mapping"]["questions"].append({"old": "oud_a1", "new": "zz", "options": {}})
    data["mapping"]["questions"][1]["options"]["ja"] = "misschien"
    problems = problems_of(data)
    assert "mapping.questions[2].new: onbekende vraag 'zz'" in problems
    assert "mapping.questions[1].options.ja: vraag 'b1' heeft geen antwoord 'misschien'" in problems
    assert len(problems) == 2


def test_mapping_splits_and_merges():
    """One old question to several new ones (split), several old ones to one new (merge)."""
    data = small_data()
    data["mapping"]["questions"] += [
        {"old": "oud_a1", "new": "a2", "options": {"ja": "deels"}},  # oud_a1 split over a1 and a2
        {"old": "oud_b", "new": "b2", "options": {"ja": "ja", "nee": "nee"}},  # b1 and oud_b merge in b2
        {"old": "b1", "new": "b2", "options": {"ja": "ja"}},
    ]
    mapping = small_questionnaire(data).mapping
    assert [e.new for e in mapping.targets("oud_a1")] == ["a1", "a2"]
    assert [e.old for e in mapping.sources("b2")] == ["oud_b", "b1"]
    assert mapping.targets("a3") == () and mapping.sources("a3") == ()
    assert mapping.translate("oud_a1", "ja") == ("a1", "vastgelegd")  # without new_id: the first entry
    assert mapping.translate("oud_a1", "ja", "a2") == ("a2", "deels")
    assert mapping.translate("oud_a1", "nee", "a2") == ("a2", None)  # not in a2's table: reopens
    assert mapping.translate("oud_a1", "ja", "b1") is None


@pytest.mark.parametrize(
    "entry, expected",
    [
        (
            {"old": "oud_a1", "new": "a1", "options": {"nee": "nee"}},
            "mapping.questions[2].new: 'oud_a1' naar 'a1' staat al in mapping.questions[0]",
        ),
        ({"old": "oud_a1", "new": "a9", "options": {}}, "mapping.questions[2].new: onbekende vraag 'a9'"),
        ({"old": "Oud-A1", "new": "a2", "options": {}}, "mapping.questions[2].old: ongeldige vraag-id 'Oud-A1'"),
        (
            {"old": "oud_a1", "new": "a2", "options": {"ja": "ja"}},
            "mapping.questions[2].options.ja: vraag 'a2' heeft geen antwoord 'ja'",
        ),
        (
            {"old": "oud_a1", "new": "a2", "options": {"Ja!": "deels"}},
            "mapping.questions[2].options.Ja!: ongeldig oud antwoord 'Ja!'",
        ),
        (
            {"old": "oud_a1", "new": "a2", "options": {"ja": 3}},
            "mapping.questions[2].options.ja: vraag 'a2' heeft geen antwoord 3",
        ),
    ],
)
def test_mapping_refuses_each_problem_with_its_place(entry, expected):
    data = small_data()
    data["mapping"]["questions"].append(entry)
    assert problems_of(data) == [expected]


def test_the_same_pair_twice_is_refused_even_in_a_merge():
    data = small_data()
    data["mapping"]["questions"] += [
        {"old": "oud_b", "new": "b1", "options": {"ja": "ja"}},  # a merge into b1: fine
        {"old": "oud_b", "new": "b1", "options": {"nee": "nee"}},  # the same pair again: not
    ]
    assert problems_of(data) == ["mapping.questions[3].new: 'oud_b' naar 'b1' staat al in mapping.questions[2]"]


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
    data["recommendations"][0]["when"][0]["question"] = "zz9"
    assert "recommendations[0].when[0].question: onbekende vraag 'zz9'" in problems_of(data)


def test_unknown_option_in_recommendation():
    data = small_data()
    data["recommendations"][2]["when"][0]["answers"] = ["misschien"]
    assert (
        "recommendations[2].when[0].question: vraag 'b1' heeft geen antwoord 'misschien'; kies uit nee, ja, weet_niet"
        in problems_of(data)
    )


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
    data["recommendations"][5]["when"][0]["domain_level"] = ["l9"]
    data["overall_caps"][0]["max_level"] = "top"
    problems = problems_of(data)
    assert "recommendations[5].when[0].domain_level: onbekend niveau 'l9'" in problems
    assert "overall_caps[0].max_level: onbekend niveau 'top'" in problems


def test_scale_with_two_unknown_options():
    data = small_data()
    data["scales"]["standaard"].append({"value": "geen_idee", "label": "?", "unknown": True})
    assert "scales.standaard: meer dan één 'weet ik niet'-antwoord" in problems_of(data)


def test_every_problem_is_reported_at_once():
    data = small_data()
    data["levels"][2]["min"] = 45
    del data["domains"][0]["introduction"]
    data["recommendations"][0]["when"][0]["question"] = "zz9"
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


def test_requirements_must_be_a_list_of_clauses():
    data = small_data()
    data["domains"][0]["questions"][0]["requirements"] = ["Eis een.", "", 3]
    data["domains"][0]["questions"][1]["requirements"] = "geen lijst"
    problems = problems_of(data)
    assert "domains[0].questions[0].requirements[1]: ontbrekende tekst" in problems
    assert (
        "domains[0].questions[0].requirements[2]: verwacht een eis met 'text', 'instruments' en 'verification', "
        "of een tekst" in problems
    )
    assert "domains[0].questions[1].requirements: verwacht een lijst met eisen" in problems


def clause(**changes):
    node = {
        "title": "Kindcheck",
        "text": "De opdrachtnemer doet de Kindcheck bij [welke cliënten] en meldt dat binnen [termijn].",
        "instruments": ["wmo", "subsidie"],
        "basis": "Wet verplichte meldcode (2013).",
        "verification": {"evidence": "Halfjaarrapportage.", "frequency": "halfjaarlijks"},
        "placeholders": {"welke cliënten": "Kies de groep.", "termijn": "Een aantal weken."},
    }
    node.update(changes)
    return {key: value for key, value in node.items() if value is not None}


def test_structured_clause_builds_model():
    data = small_data()
    data["domains"][0]["questions"][0]["requirements"] = [clause(), "Een oude eis zonder instrument."]
    structured, plain = small_questionnaire(data).question("a1").requirements
    assert structured.title == "Kindcheck" and structured.instruments == ("wmo", "subsidie")
    assert structured.verification.evidence == "Halfjaarrapportage."
    assert structured.verification.frequency == "halfjaarlijks"
    assert [(p.name, p.guidance) for p in structured.placeholders] == [
        ("welke cliënten", "Kies de groep."),
        ("termijn", "Een aantal weken."),
    ]
    assert structured.structured and not plain.structured
    assert plain.text == "Een oude eis zonder instrument." and plain.instruments == () and plain.verification is None


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"instruments": None}, "requirements[0].instruments: geef minstens één instrument: jeugdwet, wmo, subsidie"),
        ({"instruments": []}, "requirements[0].instruments: geef minstens één instrument"),
        ({"instruments": ["wmo", "aanbesteding"]}, "requirements[0].instruments: onbekend instrument 'aanbesteding'"),
        ({"instruments": ["wmo", "wmo"]}, "requirements[0].instruments: instrument 'wmo' staat er twee keer"),
        ({"verification": None}, "requirements[0].verification: verwacht een lijst van sleutels en waarden"),
        ({"verification": {"evidence": "Jaarverslag."}}, "requirements[0].verification.frequency: ontbrekende tekst"),
        ({"title": None}, "requirements[0].title: ontbrekende tekst"),
        ({"text": " "}, "requirements[0].text: ontbrekende tekst"),
        ({"placeholders": {"termijn": "Weken."}}, "[welke cliënten] staat in de tekst maar heeft geen toelichting"),
        (
            {"placeholders": {"welke cliënten": "x", "termijn": "y", "aantal": "z"}},
            "requirements[0].placeholders.aantal: [aantal] staat niet in de tekst van de eis",
        ),
        ({"placeholders": {"welke cliënten": "", "termijn": "y"}}, "placeholders.welke cliënten: ontbrekende tekst"),
        ({"grondslag": "x"}, "requirements[0].grondslag: onbekende sleutel 'grondslag'"),
    ],
)
def test_structured_clause_problems_name_their_place(changes, problem):
    data = small_data()
    data["domains"][0]["questions"][1]["requirements"] = [clause(**changes)]
    assert any(problem in p and p.startswith("domains[0].questions[1].") for p in problems_of(data)), problem


def test_basis_and_placeholders_are_optional():
    data = small_data()
    text = "De opdrachtnemer rapporteert jaarlijks."
    data["domains"][0]["questions"][0]["requirements"] = [clause(text=text, basis=None, placeholders=None)]
    only = small_questionnaire(data).question("a1").requirements[0]
    assert only.basis == "" and only.placeholders == ()


def test_old_version_with_plain_clauses_still_loads():
    """questionnaires/2026.1.yaml, like the versions stored with old checks, has plain-text clauses."""
    old = load_questionnaire(ROOT / "questionnaires" / "2026.1.yaml")
    clauses = [c for q in old.questions for c in q.requirements]
    assert clauses and all(not c.structured and c.text for c in clauses)


def test_clause_numbers_count_per_instrument_over_the_whole_file():
    data = small_data()
    data["domains"][0]["questions"][0]["requirements"] = [
        clause(instruments=["jeugdwet"]),
        clause(instruments=["jeugdwet", "subsidie"]),
    ]
    data["domains"][0]["questions"][1]["requirements"] = ["Een oude eis."]
    data["domains"][1]["questions"][0]["requirements"] = [clause(instruments=["subsidie", "wmo"])]
    q = small_questionnaire(data)
    b1 = q.domains[1].questions[0].id
    assert q.clause_numbers == {
        ("a1", 0, "jeugdwet"): "J-1",
        ("a1", 1, "jeugdwet"): "J-2",
        ("a1", 1, "subsidie"): "S-1",
        ("a2", 0, ""): "E-1",
        (b1, 0, "subsidie"): "S-2",
        (b1, 0, "wmo"): "W-1",
    }


def test_a_subsidy_decision_binds_the_subsidieontvanger():
    jeugdwet, _, subsidie = INSTRUMENTS
    c = Clause(
        text="De opdrachtnemer meldt het; de gemeente belt de opdrachtnemer.",
        instruments=("subsidie",),
        verification=Verification("Jaarverslag van de opdrachtnemer.", "jaarlijks"),
        placeholders=(Placeholder("termijn", "Opdrachtnemers melden snel."),),
    )
    assert c.worded_for(jeugdwet) is c
    worded = c.worded_for(subsidie)
    assert worded.text == "De subsidieontvanger meldt het; de gemeente belt de subsidieontvanger."
    assert worded.verification.evidence == "Jaarverslag van de subsidieontvanger."
    assert worded.placeholders[0].guidance == "Subsidieontvangers melden snel."


# -- findings and the reference list ---------------------------------------------------------------


def _reference(**changes):
    reference = {
        "title": "Wat kan ik doen als gemeente?",
        "publisher": "Trimbos-instituut (koppkvo.nl)",
        "year": "2016",
        "url": "https://koppkvo.nl",
        "matches": ["Wat kan ik doen als gemeente?"],
    }
    return {**reference, **changes}


def test_findings_and_references_build_the_model():
    data = small_data()
    data["domains"][0]["questions"][0]["finding"] = "KOPP/KOV  als doelgroep\n in beleid"
    data["references"] = [_reference(), _reference(title="Risico's", year=2016, url="https://koppkvo.nl/risico")]
    questionnaire = small_questionnaire(data)
    assert questionnaire.question("a1").finding == "KOPP/KOV als doelgroep in beleid"
    assert questionnaire.question("a2").finding == ""  # optional: versions before 2026.2 have none
    gemeente, risico = questionnaire.references
    assert (gemeente.publisher, gemeente.year, gemeente.url) == (
        "Trimbos-instituut (koppkvo.nl)",
        "2016",
        "https://koppkvo.nl",
    )
    assert gemeente.matches == ("Wat kan ik doen als gemeente?",)
    assert risico.year == "2016", "an unquoted year in YAML is read as the year"


def test_a_source_cites_a_reference_whatever_its_case_or_line_breaks():
    (reference,) = small_questionnaire({**small_data(), "references": [_reference()]}).references
    assert reference.cited_in("Trimbos, wat kan ik doen als\n  gemeente? (koppkvo.nl, 2016); Trouw (2017)")
    assert not reference.cited_in("koppkvo.nl, Wat kan ik doen als zorgverzekeraar? (2016)")


def test_a_file_without_references_has_none():
    assert small_questionnaire().references == ()
    assert load_questionnaire(ROOT / "questionnaires" / "2026.1.yaml").references == ()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"url": "http://koppkvo.nl"}, "references[0].url: een adres begint met https:// en heeft geen spaties"),
        ({"url": "https://koppkvo.nl/wat kan ik"}, "references[0].url: een adres begint met https://"),
        ({"url": None}, "references[0].url: ontbrekende tekst"),
        ({"year": "ca. 2016"}, "references[0].year: verwacht een jaartal zoals 2016, of 'z.j.' zonder jaar"),
        ({"year": None}, "references[0].year: verwacht een jaartal"),
        ({"matches": []}, "references[0].matches: geef minstens één tekst uit een 'source'"),
        ({"matches": "Wat kan ik doen"}, "references[0].matches: verwacht een lijst met teksten"),
        ({"publisher": " "}, "references[0].publisher: ontbrekende tekst"),
        ({"titel": "x"}, "references[0].titel: onbekende sleutel 'titel'; bedoelt u 'title'?"),
    ],
    ids=[
        "http",
        "space-in-url",
        "no-url",
        "year-in-words",
        "no-year",
        "no-matches",
        "matches-text",
        "no-publisher",
        "typo",
    ],
)
def test_reference_problems_name_their_place(changes, problem):
    data = small_data()
    data["references"] = [_reference(**changes)]
    assert any(p.startswith(problem) for p in problems_of(data)), problems_of(data)


def test_two_references_with_one_title_are_refused():
    data = small_data()
    data["references"] = [_reference(), _reference(title="wat kan ik doen als GEMEENTE?")]
    assert "references[1].title: dubbele bron 'wat kan ik doen als GEMEENTE?'" in problems_of(data)


def test_references_must_be_a_list():
    data = small_data()
    data["references"] = _reference()
    assert "references: verwacht een lijst met bronnen" in problems_of(data)
