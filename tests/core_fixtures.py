"""A small questionnaire whose scores can be computed by hand.

Domain A (a1 weight 2, a2, a3) on a 0..4 scale with practice stages; domain B (b1, b2) on yes/no,
which claims no practice. Points: nee 0, deels 1/4, vastgelegd 1/2, uitgevoerd 3/4, geevalueerd 1,
regio 3/4 (regional, carried out), weet_niet 0.
"""

import copy

import yaml

from selfcheck.core.loader import parse_questionnaire

SCALE = [
    {"value": "nee", "label": "Nee", "score": 0},
    {"value": "deels", "label": "Deels", "score": 1},
    {"value": "vastgelegd", "label": "Vastgelegd", "score": 2, "stage": "vastgelegd"},
    {"value": "uitgevoerd", "label": "Uitgevoerd", "score": 3, "stage": "uitgevoerd"},
    {"value": "geevalueerd", "label": "Geëvalueerd", "score": 4, "stage": "geevalueerd"},
    {"value": "regio", "label": "Regionaal uitgevoerd", "score": 3, "stage": "uitgevoerd", "regional": True},
    {"value": "weet_niet", "label": "Weet ik niet", "unknown": True},
]


def _question(qid, weight=1, scale="standaard"):
    return {
        "id": qid,
        "text": f"Vraag {qid}?",
        "help": "Waarom.",
        "scale": scale,
        "weight": weight,
        "source": "Bron",
        "find_out": f"Vraag het na voor {qid}.",
    }


def _rule(rid, domain, priority, when, title=None):
    return {
        "id": rid,
        "domain": domain,
        "title": title or rid,
        "text": f"Doe {rid}.",
        "priority": priority,
        "source": "Bron",
        "when": when,
    }


SMALL = {
    "version": "t1",
    "title": "Test",
    "introduction": "Intro.",
    "scoring": {"min_coverage": 0.5, "gap_below": 0.5, "unknown_warning": 0.5, "top_priority_max": 1},
    "stages": [
        {"id": "vastgelegd", "label": "Vastgelegd"},
        {"id": "uitgevoerd", "label": "Uitgevoerd"},
        {"id": "geevalueerd", "label": "Geëvalueerd"},
    ],
    "levels": [
        {"id": "l1", "label": "Een", "min": 0, "max": 20, "description": "."},
        {"id": "l2", "label": "Twee", "min": 20, "max": 40, "description": "."},
        {"id": "l3", "label": "Drie", "min": 40, "max": 60, "description": "."},
        {
            "id": "l4",
            "label": "Vier",
            "min": 60,
            "max": 80,
            "description": ".",
            "requires": {"stage": "uitgevoerd", "share": 0.5},
        },
        {
            "id": "l5",
            "label": "Vijf",
            "min": 80,
            "max": 100,
            "description": ".",
            "requires": {"stage": "geevalueerd", "share": 0.5},
        },
    ],
    "overall_caps": [
        {"question": "a1", "below": 3, "max_level": "l3", "reason": "Beleid niet aangetoond."},
    ],
    "scales": {
        "standaard": SCALE,
        "ja_nee": [
            {"value": "nee", "label": "Nee", "score": 0},
            {"value": "ja", "label": "Ja", "score": 1},
            {"value": "weet_niet", "label": "Weet ik niet", "unknown": True},
        ],
    },
    "glossary": [
        {"term": "Kindcheck", "definition": "Nagaan of er kinderen zijn.", "source": "Meldcode"},
        {"term": "KOPP/KOV", "matches": ["KOPP/KOV", "KOPP"], "definition": "Kinderen van ouders met problemen."},
    ],
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
        _rule("r_a1", "a", 2, [{"question": "a1", "answers": ["nee", "deels"]}]),
        _rule("r_a2", "a", 1, [{"question": "a2", "answers": ["nee", "deels"]}]),
        _rule("r_b", "b", 1, [{"question": "b1", "answers": ["nee"]}, {"question": "b2", "answers": ["nee"]}]),
        _rule("r_a_papier", "a", 2, [{"stage": "vastgelegd"}]),
        _rule("r_a_uitzoeken", "a", 2, [{"unknown": True}]),
        _rule("r_a_sterk", "a", 3, [{"domain_level": ["l4", "l5"]}]),
    ],
    "mapping": {
        "from_version": "t0",
        "questions": [
            {"old": "oud_a1", "new": "a1", "options": {"nee": "nee", "ja": "vastgelegd"}},
            {"old": "b1", "new": "b1", "options": {"nee": "nee", "ja": "ja"}},
        ],
    },
}


def small_data():
    return copy.deepcopy(SMALL)


def small_questionnaire(data=None):
    return parse_questionnaire(yaml.safe_dump(data or SMALL, allow_unicode=True, sort_keys=False))
