"""A small questionnaire whose scores can be computed by hand."""

import copy

import yaml

from selfcheck.core.loader import parse_questionnaire

SCALE = [
    {"value": "nee", "label": "Nee", "score": 0},
    {"value": "deels", "label": "Deels", "score": 1},
    {"value": "vastgelegd", "label": "Vastgelegd", "score": 2},
    {"value": "geborgd", "label": "Geborgd", "score": 3},
    {"value": "regio", "label": "Regionaal geregeld", "score": 2, "regional": True},
    {"value": "weet_niet", "label": "Weet ik niet", "unknown": True},
]


def _question(qid, weight=1, scale="standaard"):
    return {"id": qid, "text": f"Vraag {qid}?", "help": "Waarom.", "scale": scale, "weight": weight, "source": "Bron"}


SMALL = {
    "version": "t1",
    "title": "Test",
    "introduction": "Intro.",
    "scoring": {"min_coverage": 0.5},
    "levels": [
        {"id": "l1", "label": "Een", "min": 0, "max": 20, "description": "."},
        {"id": "l2", "label": "Twee", "min": 20, "max": 40, "description": "."},
        {"id": "l3", "label": "Drie", "min": 40, "max": 60, "description": "."},
        {"id": "l4", "label": "Vier", "min": 60, "max": 80, "description": "."},
        {"id": "l5", "label": "Vijf", "min": 80, "max": 100, "description": "."},
    ],
    "overall_caps": [
        {"question": "a1", "below": 2, "max_level": "l3", "reason": "Geen beleid."},
    ],
    "scales": {
        "standaard": SCALE,
        "ja_nee": [
            {"value": "nee", "label": "Nee", "score": 0},
            {"value": "ja", "label": "Ja", "score": 1},
            {"value": "weet_niet", "label": "Weet ik niet", "unknown": True},
        ],
    },
    "domains": [
        {
            "id": "a",
            "title": "Domein A",
            "introduction": "A.",
            "questions": [_question("a1", weight=2), _question("a2"), _question("a3")],
        },
        {
            "id": "b",
            "title": "Domein B",
            "introduction": "B.",
            "questions": [_question("b1", scale="ja_nee"), _question("b2", scale="ja_nee")],
        },
    ],
    "priorities": {1: "Hoog", 2: "Middel", 3: "Laag"},
    "recommendations": [
        {
            "id": "r_a1",
            "domain": "a",
            "title": "A1 regelen",
            "text": "Doe A1.",
            "priority": 2,
            "source": "Bron",
            "when": {"answers": {"a1": ["nee", "deels"]}},
        },
        {
            "id": "r_b",
            "domain": "b",
            "title": "B regelen",
            "text": "Doe B.",
            "priority": 1,
            "source": "Bron",
            "when": {"answers": {"b1": ["nee"], "b2": ["nee"]}},
        },
        {
            "id": "r_a_sterk",
            "domain": "a",
            "title": "A volhouden",
            "text": "Evalueer A.",
            "priority": 3,
            "source": "Bron",
            "when": {"levels": ["l4", "l5"]},
        },
        {
            "id": "r_kennis",
            "domain": "a",
            "title": "Kennis",
            "text": "Zoek het uit.",
            "priority": 1,
            "source": "Bron",
            "when": {"unknown_at_least": 2},
        },
    ],
}


def small_data():
    return copy.deepcopy(SMALL)


def small_questionnaire(data=None):
    return parse_questionnaire(yaml.safe_dump(data or SMALL, allow_unicode=True, sort_keys=False))
