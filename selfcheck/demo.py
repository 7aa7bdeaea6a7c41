"""Demo data for a first look: gemeenten, one account per role, and example checks."""

from __future__ import annotations

from datetime import datetime
from itertools import cycle

from sqlalchemy import func, select

from selfcheck.check.operations import start_assessment, submit_assessment
from selfcheck.check.store import save_answers
from selfcheck.config import ROOT
from selfcheck.extensions import db
from selfcheck.models import Gemeente, Response, User, utcnow
from selfcheck.questionnaires.versions import QuestionnaireStore

DEMO_PASSWORD = "demo-wachtwoord"

GEMEENTEN = [
    # code, name, province, jeugdregio, inhabitants
    ("GM0758", "Breda", "Noord-Brabant", "West-Brabant-Oost", 186_000),
    ("GM0344", "Utrecht", "Utrecht", "Utrecht Stad", 374_000),
    ("GM0193", "Zwolle", "Overijssel", "IJsselland", 132_000),
    ("GM0014", "Groningen", "Groningen", "Groningen", 243_000),
]

ACCOUNTS = [
    # email, name, role, gemeente code
    ("beleid@breda.example", "Sanne de Vries", "beleidsmedewerker", "GM0758"),
    ("inkoop@breda.example", "Mehmet Yilmaz", "inkoper", "GM0758"),
    ("beleid@utrecht.example", "Anouk Jansen", "beleidsmedewerker", "GM0344"),
    ("adviseur@trimbos.example", "Pieter Bakker", "adviseur", None),
    ("beheer@beleidscheck.example", "Fatima El Amrani", "admin", None),
]

# The version before the current questions.yaml: the 2025 checks were filled in with it.
EARLIER_VERSION = ROOT / "questionnaires" / "2026.1.yaml"

# Answer patterns, cycled over the questions: a gemeente that has started, and one that is far along.
# A value a question does not offer falls back to the question's second option.
PROFILES = {
    "GM0758": ["deels", "nee", "vastgelegd", "deels", "weet_niet", "nee", "regio_vastgelegd", "deels"],
    "GM0344": ["geborgd", "vastgelegd", "regio_geborgd", "geborgd", "vastgelegd", "deels", "geborgd"],
}
# Utrecht's 2026 check, on the current version: much carried out, some evaluated, a few unknowns.
UTRECHT_2026 = ["uitgevoerd", "geevalueerd", "regio_uitgevoerd", "ja", "uitgevoerd", "vastgelegd", "weet_niet"]
COMMENTS = {
    "beleid_doelgroep": "Genoemd in de preventienota 2024, maar nog niet als aparte doelgroep.",
    "aandachtsfunctionarissen": "De uren bij de verslavingszorg zijn in 2023 vervallen.",
}


def _answers(questionnaire, pattern):
    values = {}
    for question, wanted in zip(questionnaire.questions, cycle(pattern)):
        option = question.option(wanted) or question.options[1]
        values[question.id] = (option.value, COMMENTS.get(question.id, ""))
    return values


def load_demo_data(store: QuestionnaireStore) -> bool:
    """Fill an empty database; return False (and change nothing) if it has accounts already."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return False
    gemeenten = {}
    for code, name, province, region, inhabitants in GEMEENTEN:
        gemeenten[code] = Gemeente(code=code, name=name, province=province, jeugdregio=region, inhabitants=inhabitants)
        db.session.add(gemeenten[code])
    users = {}
    for email, name, role, code in ACCOUNTS:
        users[email] = User(email=email, name=name, role=role, gemeente=gemeenten.get(code))
        users[email].set_password(DEMO_PASSWORD)
        db.session.add(users[email])
    db.session.flush()

    earlier = store.load_file(EARLIER_VERSION)
    for code, email in (("GM0758", "beleid@breda.example"), ("GM0344", "beleid@utrecht.example")):
        user = users[email]
        assessment = start_assessment(store, gemeenten[code], 2025, user, prefill=False, questionnaire=earlier)
        save_answers(assessment, user, _answers(earlier, PROFILES[code]))
        submit_assessment(assessment, user)
        assessment.submitted_at = assessment.updated_at = datetime(2025, 11, 14, 10, 30)
    db.session.flush()
    # Utrecht's 2026 check is definitive, on the current version.
    utrecht = users["beleid@utrecht.example"]
    assessment = start_assessment(store, gemeenten["GM0344"], 2026, utrecht, prefill=False)
    save_answers(assessment, utrecht, _answers(store.current, UTRECHT_2026))
    submit_assessment(assessment, utrecht)
    assessment.submitted_at = assessment.updated_at = datetime(2026, 11, 20, 15, 0)
    db.session.flush()
    # Breda's 2026 check is a draft on the current version, started from 2025's answers (those whose
    # meaning did not change carry over), with two respondents who disagree.
    draft = start_assessment(store, gemeenten["GM0758"], 2026, users["beleid@breda.example"], prefill=True)
    for name, perspective, pattern in (
        ("Petra Visser", "uitvoering", ["nee", "deels", "nee", "weet_niet"]),
        ("Karim Bouzid", "ketenpartner", ["deels", "vastgelegd", "geborgd"]),
    ):
        response = Response(
            assessment=draft,
            name=name,
            email=f"{perspective}@partner.example",
            perspective=perspective,
            invite_used_at=utcnow(),
            submitted_at=utcnow(),
        )
        db.session.add(response)
        db.session.flush()
        save_answers(draft, None, _answers(store.current, pattern), response=response)
    db.session.commit()
    return True
