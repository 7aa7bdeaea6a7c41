"""Test answers in one vocabulary for questions whose options differ.

Questions in questions.yaml have their own answer options; tests speak the standard scale's words
('nee', 'deels', 'vastgelegd', 'uitgevoerd', 'geevalueerd', 'weet_niet') and get the option that
comes closest: the value itself where the question has it, else the option at the same place.
"""


def like(question, wanted: str) -> str:
    if question.option(wanted) is not None:
        return wanted
    scored = sorted((o for o in question.options if not o.unknown), key=lambda o: o.score)
    if wanted in ("weet_niet", "unknown"):
        return next(o.value for o in question.options if o.unknown)
    place = {"nee": 0, "deels": 1, "vastgelegd": len(scored) // 2, "uitgevoerd": -2, "geevalueerd": -1}.get(wanted, 1)
    return scored[min(place, len(scored) - 1)].value


def answers_all(questionnaire, pattern=("deels", "nee", "vastgelegd", "weet_niet", "geevalueerd")):
    """Every question answered, the values cycling through `pattern`, a comment on every seventh."""
    return {
        q.id: (like(q, pattern[i % len(pattern)]), f"Notitie {q.id}" if i % 7 == 0 else "")
        for i, q in enumerate(questionnaire.questions)
    }
