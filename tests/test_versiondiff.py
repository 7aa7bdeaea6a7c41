"""versiondiff: what an adviser reads before publishing a new questionnaire version.

tests/data/versions/old.yaml (v1) and new.yaml (v2) differ in known ways, listed at the top of new.yaml;
every one is asserted here, word for word. The real pair (questionnaires/2026.1.yaml to questions.yaml)
gets a few facts that are known about it.
"""

from pathlib import Path

import pytest
import yaml

from selfcheck.core.loader import load_questionnaire, parse_questionnaire
from selfcheck.core.versiondiff import KINDS, QuestionChange, diff

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "tests" / "data" / "versions"
OLD = load_questionnaire(VERSIONS / "old.yaml")
NEW = load_questionnaire(VERSIONS / "new.yaml")


def variant(path: Path, change) -> object:
    """A questionnaire from a fixture file after `change(data)`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    return parse_questionnaire(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@pytest.fixture(scope="module")
def changes():
    return diff(OLD, NEW)


def test_each_known_question_change(changes):
    assert changes.mapped and (changes.old_version, changes.new_version) == ("v1", "v2")
    assert changes.questions == (
        QuestionChange(
            "reworded",
            ("a1",),
            ("a1",),
            "Beleid",
            "Staat de doelgroep in het beleid?",
            "Noemt vastgesteld beleid de doelgroep?",
            ("Weging 3 in plaats van 2",),
        ),
        QuestionChange(
            "changed",
            ("a2",),
            ("a2",),
            "Beleid",
            "Is er budget?",
            "Is er budget?",
            (
                "Antwoord 'deels' telt nu 50 in plaats van 25",
                "Antwoord 'regio' valt weg: wie het gaf, beantwoordt de vraag opnieuw",
            ),
        ),
        QuestionChange(
            "split",
            ("a3",),
            ("a3_vastgesteld", "a3_uitgevoerd"),
            "Beleid",
            "Is het beleid vastgesteld en uitgevoerd?",
            "Is het beleid vastgesteld? / Wordt het beleid uitgevoerd?",
            (
                "Het oude antwoord gaat naar elk van de nieuwe vragen",
                "Naar 'a3_vastgesteld': antwoord 'uitgevoerd' wordt 'vastgelegd', telt nu 50 in plaats van 75, "
                "claimt nu fase 'Vastgelegd' in plaats van fase 'Uitgevoerd'",
                "Naar 'a3_vastgesteld': antwoord 'geevalueerd' wordt 'vastgelegd', telt nu 50 in plaats van 100, "
                "claimt nu fase 'Vastgelegd' in plaats van fase 'Geëvalueerd'",
                "Naar 'a3_vastgesteld': antwoord 'regio' wordt 'vastgelegd', telt nu 50 in plaats van 75, "
                "claimt nu fase 'Vastgelegd' in plaats van fase 'Uitgevoerd', geldt niet meer als regionaal",
                "Naar 'a3_uitgevoerd': antwoord 'deels' valt weg: wie het gaf, beantwoordt de vraag opnieuw",
                "Naar 'a3_uitgevoerd': antwoord 'vastgelegd' valt weg: wie het gaf, beantwoordt de vraag opnieuw",
            ),
        ),
        QuestionChange(
            "merged",
            ("b2", "b3"),
            ("b23",),
            "Samenwerking",
            "Zijn er afspraken met de huisartsen? / Zijn er afspraken met de wijkteams?",
            "Zijn er afspraken met huisartsen en wijkteams?",
            (
                "Het zwakste van de oude antwoorden gaat mee; heeft een van de oude vragen geen antwoord dat "
                "meegaat, dan blijft de vraag open",
            ),
        ),
        QuestionChange("added", (), ("b4",), "Samenwerking", "", "Is er een contactpersoon bij de ggz?", ()),
        QuestionChange(
            "removed",
            ("a4",),
            (),
            "Beleid",
            "Is er een werkgroep?",
            "",
            ("Het antwoord gaat niet mee naar de nieuwe versie",),
        ),
    )
    assert "b1" not in {i for c in changes.questions for i in c.new_ids}  # unchanged: not listed
    assert changes.counts() == dict.fromkeys(KINDS, 1)
    assert not changes.empty


def test_levels_caps_advice_and_settings(changes):
    assert changes.levels == (
        "Niveau 'Drie' loopt nu van 40 tot 65 in plaats van 40 tot 60",
        "Niveau 'Vier' loopt nu van 65 tot 80 in plaats van 60 tot 80",
    )
    assert changes.caps == ("Begrenzing op vraag 'b1': totaalniveau nu hoogstens 'Drie' in plaats van 'Vier'",)
    assert changes.advice == (
        "Aanbeveling 'Neem de doelgroep op' verschijnt nu als het antwoord op vraag 'a1' 'nee' is, "
        "in plaats van als het antwoord op vraag 'a1' 'nee' of 'deels' is",
        "Aanbeveling 'Wijs een contactpersoon aan' is nieuw (domein Samenwerking, prioriteit Laag) "
        "en verschijnt als het antwoord op vraag 'b4' 'nee' is",
        "Aanbeveling 'Richt een werkgroep op' valt weg",
    )
    assert changes.settings == ("Versie v2 in plaats van v1",)
    assert changes.texts == ()


def test_a_version_against_itself_is_empty():
    for questionnaire in (OLD, NEW):
        same = diff(questionnaire, questionnaire)
        assert same.empty and same.mapped and same.counts() == dict.fromkeys(KINDS, 0)


def test_without_a_mapping_nothing_pairs_up():
    """No mapping from v1: every old question is removed and every new one added, as nothing carries over."""
    unmapped = variant(VERSIONS / "new.yaml", lambda d: d.pop("mapping"))
    changes = diff(OLD, unmapped)
    assert not changes.mapped
    assert changes.counts() == {**dict.fromkeys(KINDS, 0), "added": 7, "removed": 7}
    assert [c.new_ids[0] for c in changes.questions if c.kind == "added"] == [q.id for q in unmapped.questions]
    assert [c.old_ids[0] for c in changes.questions[7:]] == [q.id for q in OLD.questions]
    # a cap on a question id both files use is still the same rule
    assert changes.caps == ("Begrenzing op vraag 'b1': totaalniveau nu hoogstens 'Drie' in plaats van 'Vier'",)


def test_the_same_version_pairs_by_id():
    """An edit that keeps the version string: questions pair by id, options by value."""

    def edit(data):
        data["domains"][1]["questions"][0]["weight"] = 2  # b1
        data["domains"][1]["questions"][0]["help"] = "Een nieuwe toelichting."
        data["scales"]["ja_nee"][1]["label"] = "Ja, zeker"
        data["scoring"]["min_coverage"] = 0.6
        data["domains"][0]["weight"] = 2
        data["levels"][3]["requires"]["share"] = 0.75
        data["recommendations"][1]["priority"] = 1
        data["recommendations"][1]["when"] = [{"question": "b1", "answers": ["nee", "weet_niet"]}]

    edited = variant(VERSIONS / "old.yaml", edit)
    changes = diff(OLD, edited)
    assert changes.mapped
    b_questions = [c for c in changes.questions if c.domain == "Samenwerking"]
    assert [(c.kind, c.new_ids) for c in b_questions] == [
        ("changed", ("b1",)),
        ("changed", ("b2",)),
        ("changed", ("b3",)),
    ]
    assert b_questions[0].details == ("Weging 2 in plaats van 1", "Antwoord 'ja' heet nu 'Ja, zeker'")
    assert changes.texts == ("Vraag 'b1': toelichting gewijzigd",)
    assert changes.settings == (
        "Deel van het gewicht van een domein dat beantwoord moet zijn voor een score: 60% in plaats van 50%",
        "Domein 'Beleid' weegt nu 2 in plaats van 1",
    )
    assert changes.levels == (
        "Niveau 'Vier' vraagt nu minstens 75% van het gewicht op 'Uitgevoerd' of hoger "
        "in plaats van minstens 50% van het gewicht op 'Uitgevoerd' of hoger",
    )
    assert changes.advice == (
        "Aanbeveling 'Overleg met de verzekeraar' heeft nu prioriteit Hoog in plaats van Middel",
        "Aanbeveling 'Overleg met de verzekeraar' verschijnt nu als het antwoord op vraag 'b1' 'nee' of 'weet_niet' is, "
        "in plaats van als het antwoord op vraag 'b1' 'nee' is",
    )


def test_a_trigger_on_a_renamed_question_is_compared_through_the_mapping():
    """Renaming a question (and an answer) through the mapping does not make its advice 'changed'."""

    def rename(data):
        data["domains"][1]["questions"][0]["id"] = "b_verzekeraar"
        data["overall_caps"][1]["question"] = "b_verzekeraar"
        data["recommendations"][1]["when"] = [{"question": "b_verzekeraar", "answers": ["nee"]}]
        data["mapping"]["questions"][4] = {"old": "b1", "new": "b_verzekeraar", "options": {"nee": "nee", "ja": "ja"}}

    renamed = variant(VERSIONS / "new.yaml", rename)
    changes = diff(OLD, renamed)
    assert not any("Overleg met de verzekeraar" in line for line in changes.advice)
    assert changes.caps == (
        "Begrenzing op vraag 'b_verzekeraar' (was vraag 'b1') volgt de vraag naar de nieuwe versie",
        "Begrenzing op vraag 'b_verzekeraar': totaalniveau nu hoogstens 'Drie' in plaats van 'Vier'",
    )
    (b1,) = [c for c in changes.questions if c.new_ids == ("b_verzekeraar",)]
    assert b1.kind == "changed" and b1.details == (
        "Antwoord 'weet_niet' valt weg: wie het gaf, beantwoordt de vraag opnieuw",
    )


# -- the real pair ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    earlier = load_questionnaire(ROOT / "questionnaires" / "2026.1.yaml")
    current = load_questionnaire(ROOT / "questions.yaml")
    return earlier, current, diff(earlier, current)


def test_the_real_pair(real):
    earlier, current, changes = real
    assert changes.mapped and changes.old_version == "2026.1" and changes.new_version == current.version
    counts = changes.counts()
    mapped_new = {e.new for e in current.mapping.questions}
    mapped_old = {e.old for e in current.mapping.questions}
    # every question of the new version is either carried (listed or not) or added; likewise for the old one
    assert counts["added"] == len([q for q in current.questions if q.id not in mapped_new])
    assert counts["removed"] == len([q for q in earlier.questions if q.id not in mapped_old])
    listed_new = [i for c in changes.questions for i in c.new_ids]
    assert listed_new == [q.id for q in current.questions if q.id in listed_new]  # in the new order
    # beleid_evaluatie was split in the content, but the mapping does not carry it: removed
    (evaluatie,) = [c for c in changes.questions if c.old_ids == ("beleid_evaluatie",)]
    assert evaluatie.kind == "removed" and evaluatie.domain == "Agendasetting"
    (doelgroep,) = [c for c in changes.questions if c.new_ids == ("beleid_doelgroep",)]
    assert doelgroep.kind == "reworded"
    assert "Antwoord 'geborgd' valt weg: wie het gaf, beantwoordt de vraag opnieuw" in doelgroep.details
    assert "Antwoord 'uitgevoerd' is nieuw" in doelgroep.details
    # 2026.1 had no practice stages; paper is not practice came with 2026.2
    assert "Fase 'Uitgevoerd' is nieuw" in changes.settings
    assert (
        "Niveau 'Uitgevoerd en geborgd' vraagt nu minstens 50% van het gewicht op 'Uitgevoerd' of hoger "
        "in plaats van geen eis over de praktijk"
    ) in changes.levels
    assert "Begrenzing op vraag 'beleid_doelgroep': drempel nu 3 punten in plaats van 2" in changes.caps
    assert any(line.startswith("Nieuwe begrenzing: zolang vraag 'overgang_18'") for line in changes.caps)
    assert changes.settings[0] == f"Versie {current.version} in plaats van 2026.1"
