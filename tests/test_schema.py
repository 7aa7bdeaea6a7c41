"""questions.schema.json: what an adviser's editor checks while typing, kept in step with the loader.

The schema checks the shape of each entry (keys, types, ranges); the loader checks that too and, beyond
it, every cross-reference. Both must accept the shipped files and refuse the same typos.
"""

import copy
import functools
import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from selfcheck.core.loader import ID_PATTERN, KEYS, QuestionnaireError, parse_questionnaire
from selfcheck.core.questionnaire import INSTRUMENTS

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "questions.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
FILES = [ROOT / "questions.yaml", *sorted((ROOT / "questionnaires").glob("*.yaml"))]

# Each kind of entry in loader.KEYS and the schema's definition of it.
DEFINITIONS = {
    "top": "#",
    "scoring": "#/$defs/scoring",
    "stage": "#/$defs/stage",
    "level": "#/$defs/level",
    "requires": "#/$defs/requires",
    "cap": "#/$defs/cap",
    "option": "#/$defs/option",
    "domain": "#/$defs/domain",
    "question": "#/$defs/question",
    "clause": "#/$defs/clause",
    "verification": "#/$defs/verification",
    "recommendation": "#/$defs/recommendation",
    "condition": "#/$defs/condition",
    "legacy_when": "#/$defs/legacy_when",
    "term": "#/$defs/term",
    "reference": "#/$defs/reference",
    "estimate": "#/$defs/estimate",
    "mapping": "#/$defs/mapping",
    "mapping_question": "#/$defs/mapping_question",
}

# Keywords whose value is a schema, a list of schemas, or a mapping of names to schemas.
ONE_SCHEMA = ("items", "additionalProperties", "propertyNames", "contains", "not", "if", "then", "else")
SCHEMA_LISTS = ("oneOf", "anyOf", "allOf", "prefixItems")
SCHEMA_MAPS = ("properties", "patternProperties", "$defs")


def subschemas(node, pointer="#"):
    """Every (pointer, schema) in the schema, the schema itself first."""
    if not isinstance(node, dict):
        return  # a boolean schema
    yield pointer, node
    for keyword in ONE_SCHEMA:
        if keyword in node:
            yield from subschemas(node[keyword], f"{pointer}/{keyword}")
    for keyword in SCHEMA_LISTS:
        for i, child in enumerate(node.get(keyword, [])):
            yield from subschemas(child, f"{pointer}/{keyword}/{i}")
    for keyword in SCHEMA_MAPS:
        for name, child in node.get(keyword, {}).items():
            yield from subschemas(child, f"{pointer}/{keyword}/{name}")


def resolve(pointer: str) -> dict:
    node = SCHEMA
    for part in pointer.removeprefix("#").strip("/").split("/"):
        if part:
            node = node[part]
    return node


@functools.cache
def load(path: Path):
    """A file's data, read once: copy it before changing it."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def data():
    """A deep copy of questions.yaml's data, for a test to break."""
    return copy.deepcopy(load(ROOT / "questions.yaml"))


def error_paths(data) -> set[str]:
    """Where the schema refuses `data`, including the alternatives tried inside oneOf and anyOf."""
    paths, pending = set(), list(VALIDATOR.iter_errors(data))
    while pending:
        error = pending.pop()
        paths.add(error.json_path)
        pending.extend(error.context)
    return paths


def refused_at(data, place: str) -> bool:
    """Whether the schema refuses `data` at `place` or inside it."""
    return any(path == place or path.startswith((f"{place}.", f"{place}[")) for path in error_paths(data))


def assert_loader_refuses(data, *fragments: str) -> None:
    """The loader refuses the same data, naming the same place."""
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False))
    problems = "\n".join(info.value.problems)
    for fragment in fragments:
        assert fragment in problems


# -- the schema itself ---------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_schema_says_it_cannot_check_cross_references():
    assert "check-questions" in SCHEMA["description"]
    assert "verwijzingen" in SCHEMA["description"]


def test_every_property_has_a_description():
    missing = [
        f"{pointer}/properties/{name}"
        for pointer, node in subschemas(SCHEMA)
        if not pointer.endswith(("/if", "/then", "/else"))  # conditions on properties, not properties
        for name, child in node.get("properties", {}).items()
        if child is not False and not (isinstance(child, dict) and child.get("description", "").strip())
    ]
    assert missing == []


def test_ids_follow_the_loaders_pattern():
    assert SCHEMA["$defs"]["id"]["pattern"] == ID_PATTERN.pattern
    id_like = {node["pattern"] for _, node in subschemas(SCHEMA) if node.get("pattern", "").startswith("^[a-z]")}
    assert id_like == {ID_PATTERN.pattern}


# -- (a) the shipped files are valid -------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_shipped_file_validates(path):
    errors = [f"{error.json_path}: {error.message}" for error in VALIDATOR.iter_errors(load(path))]
    assert errors == []


def test_both_forms_of_when_are_covered():
    """questions.yaml uses lists of conditions, the 2026.1 file the older mapping: both are validated."""
    forms = {type(r["when"]) for path in FILES for r in load(path)["recommendations"]}
    assert forms == {list, dict}


# -- (b) typos the schema refuses, as the loader does --------------------------------------------


def test_misspelled_key_in_a_question_is_refused(data):
    question = data["domains"][0]["questions"][0]
    question["wieght"] = question.pop("weight", 2)
    errors = list(VALIDATOR.iter_errors(data))
    assert [e.json_path for e in errors] == ["$.domains[0].questions[0]"]
    assert "'wieght' was unexpected" in errors[0].message
    assert_loader_refuses(data, "domains[0].questions[0].wieght: onbekende sleutel 'wieght'; bedoelt u 'weight'?")


def test_unknown_key_in_an_option_is_refused(data):
    d, q = next(
        (d, q)
        for d, domain in enumerate(data["domains"])
        for q, question in enumerate(domain["questions"])
        if "options" in question
    )
    data["domains"][d]["questions"][q]["options"][0]["toelichting"] = "Een sleutel die een antwoord niet kent."
    data["scales"]["standaard"][1]["scroe"] = 1
    place = f"$.domains[{d}].questions[{q}].options[0]"
    assert {place, "$.scales.standaard[1]"} <= error_paths(data)
    assert_loader_refuses(data, f"{place[2:]}.toelichting: onbekende sleutel", "scales.standaard[1].scroe")


def test_condition_with_two_kinds_is_refused(data):
    r, c = next(
        (r, c)
        for r, recommendation in enumerate(data["recommendations"])
        for c, condition in enumerate(recommendation["when"])
        if "question" in condition
    )
    data["recommendations"][r]["when"][c]["stage"] = "vastgelegd"
    assert f"$.recommendations[{r}].when[{c}]" in error_paths(data)
    assert_loader_refuses(data, f"recommendations[{r}].when[{c}]: geef precies één van")


@pytest.mark.parametrize(
    "condition",
    [
        {"question": "beleid_doelgroep"},
        {"answers": ["nee"]},
        {"domain_level": ["geborgd"], "answers": ["nee"]},
        {"unknown": False},
        {"stage": "vastgelegd", "unknown": True},
    ],
    ids=["question-without-answers", "answers-alone", "answers-with-level", "unknown-false", "stage-and-unknown"],
)
def test_other_malformed_conditions_are_refused(data, condition):
    data["recommendations"][0]["when"] = [condition]
    assert refused_at(data, "$.recommendations[0].when[0]")
    assert_loader_refuses(data, "recommendations[0].when")


def test_share_above_one_is_refused(data):
    i = next(i for i, level in enumerate(data["levels"]) if "requires" in level)
    data["levels"][i]["requires"]["share"] = 2
    errors = list(VALIDATOR.iter_errors(data))
    assert [e.json_path for e in errors] == [f"$.levels[{i}].requires.share"]
    assert "maximum of 1" in errors[0].message
    assert_loader_refuses(data, f"levels[{i}].requires.share: moet tussen 0 en 1 liggen")


@pytest.mark.parametrize(
    ("where", "value", "place"),
    [
        (("domains", 0, "questions", 0, "weight"), 0, "$.domains[0].questions[0].weight"),
        (("scales", "standaard", 0, "score"), -1, "$.scales.standaard[0].score"),
        (("scoring", "min_coverage"), 1.5, "$.scoring.min_coverage"),
        (("domains", 0, "questions", 0, "id"), "Beleid-Doelgroep", "$.domains[0].questions[0].id"),
    ],
    ids=["weight-zero", "negative-score", "coverage-above-one", "id-with-capitals"],
)
def test_numbers_and_ids_out_of_range_are_refused(data, where, value, place):
    node = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    assert refused_at(data, place)
    assert_loader_refuses(data)


def test_unknown_answer_has_no_score_and_others_need_one(data):
    scale = data["scales"]["standaard"]
    unknown = next(option for option in scale if option.get("unknown"))
    unknown["score"] = 0
    del scale[0]["score"]
    assert refused_at(data, "$.scales.standaard[0]")
    assert refused_at(data, f"$.scales.standaard[{scale.index(unknown)}]")
    assert_loader_refuses(data, "scales.standaard[0].score: verwacht een getal", "heeft geen score")


def _first_clause(data) -> tuple[str, dict]:
    """The JSON path and the data of the first structured clause in questions.yaml."""
    for i, domain in enumerate(data["domains"]):
        for j, question in enumerate(domain["questions"]):
            if question.get("requirements"):
                return f"$.domains[{i}].questions[{j}].requirements[0]", question["requirements"][0]
    raise AssertionError("questions.yaml has no requirements")


def test_clause_with_unknown_instrument_is_refused(data):
    place, clause = _first_clause(data)
    clause["instruments"] = ["aanbesteding"]
    assert refused_at(data, f"{place}.instruments[0]")
    assert_loader_refuses(data, "onbekend instrument 'aanbesteding'")


def test_clause_without_verification_is_refused(data):
    place, clause = _first_clause(data)
    del clause["verification"]
    assert refused_at(data, place)
    assert_loader_refuses(data, ".verification: verwacht een lijst van sleutels en waarden")


def test_plain_text_clause_stays_valid(data):
    """Versions before 2026.2 (questionnaires/2026.1.yaml and those stored in the database) use plain texts."""
    place, clause = _first_clause(data)
    path = place.removeprefix("$.").replace("[", ".").replace("]", "").split(".")
    node = data
    for key in path[:-2]:
        node = node[int(key)] if key.isdigit() else node[key]
    node["requirements"][0] = clause["text"]
    assert not refused_at(data, place)


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("url", "http://trimbos.nl", "een adres begint met https://"),
        ("year", "ca. 2016", "verwacht een jaartal"),
        ("matches", [], "geef minstens één tekst"),
    ],
    ids=["url-without-https", "year-in-words", "no-matches"],
)
def test_reference_problems_are_refused(data, key, value, problem):
    data["references"][0][key] = value
    assert refused_at(data, f"$.references[0].{key}")
    assert_loader_refuses(data, f"references[0].{key}: {problem}")


def test_a_year_may_be_written_without_quotes(data):
    data["references"][0]["year"] = 2016
    assert not refused_at(data, "$.references[0]")
    assert parse_questionnaire(yaml.dump(data, Dumper=DUMPER, allow_unicode=True)).references[0].year == "2016"


def test_schema_knows_the_loaders_instruments():
    items = SCHEMA["$defs"]["clause"]["properties"]["instruments"]["items"]
    assert items["enum"] == [i.id for i in INSTRUMENTS]


# -- (c) the schema's keys are the loader's keys -------------------------------------------------


def test_every_kind_in_the_loader_has_a_definition():
    assert set(DEFINITIONS) == set(KEYS)


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_schema_allows_exactly_the_loaders_keys(kind):
    definition = resolve(DEFINITIONS[kind])
    assert definition["type"] == "object"
    assert definition["additionalProperties"] is False
    assert set(definition["properties"]) == KEYS[kind]


def test_every_closed_object_in_the_schema_is_a_kind_of_the_loader():
    closed = {pointer for pointer, node in subschemas(SCHEMA) if node.get("additionalProperties") is False}
    assert closed == set(DEFINITIONS.values())


def test_every_definition_is_used():
    text = json.dumps(SCHEMA)
    unused = [name for name in SCHEMA["$defs"] if f'"#/$defs/{name}"' not in text]
    assert unused == []
