"""Demo data for a first look: gemeenten, one account per role, and example checks.

Breda and Utrecht carry the hand-made checks the demo accounts work with. Around them, some forty
real gemeenten in five provinces and nine jeugdregio's have checks from 2023 to 2026, generated
from fixed seeds (the same data on every load), so the advisers' overview, benchmark, regions and
trends show real figures, while a few groups stay under the minimum group size and stay hidden.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import cycle

from sqlalchemy import func, select

from selfcheck.check.operations import report_for, start_assessment, submit_assessment
from selfcheck.check.store import save_answers
from selfcheck.config import ROOT
from selfcheck.core.questionnaire import Question, Questionnaire
from selfcheck.extensions import db
from selfcheck.models import Gemeente, PlanAction, PlanFocus, Response, User, utcnow
from selfcheck.questionnaires.versions import QuestionnaireStore

DEMO_PASSWORD = "demo-wachtwoord"

GEMEENTEN = [
    # CBS code, name, province (as CBS spells them), jeugdregio, inhabitants (rounded, 2024)
    ("GM0758", "Breda", "Noord-Brabant", "West-Brabant-Oost", 186_000),
    ("GM0344", "Utrecht", "Utrecht", "Utrecht Stad", 374_000),
    ("GM0193", "Zwolle", "Overijssel", "IJsselland", 132_000),
    ("GM0014", "Groningen", "Groningen", "Groningen", 243_000),
    # Noord-Brabant
    ("GM0826", "Oosterhout", "Noord-Brabant", "West-Brabant-Oost", 57_800),
    ("GM0777", "Etten-Leur", "Noord-Brabant", "West-Brabant-Oost", 45_200),
    ("GM1719", "Drimmelen", "Noord-Brabant", "West-Brabant-Oost", 27_900),
    ("GM0779", "Geertruidenberg", "Noord-Brabant", "West-Brabant-Oost", 22_100),
    ("GM1723", "Alphen-Chaam", "Noord-Brabant", "West-Brabant-Oost", 10_600),
    ("GM0744", "Baarle-Nassau", "Noord-Brabant", "West-Brabant-Oost", 7_100),
    ("GM0879", "Zundert", "Noord-Brabant", "West-Brabant-Oost", 22_600),
    ("GM0855", "Tilburg", "Noord-Brabant", "Hart van Brabant", 227_000),
    ("GM0785", "Goirle", "Noord-Brabant", "Hart van Brabant", 24_100),
    ("GM0824", "Oisterwijk", "Noord-Brabant", "Hart van Brabant", 33_000),
    ("GM0766", "Dongen", "Noord-Brabant", "Hart van Brabant", 26_800),
    ("GM0867", "Waalwijk", "Noord-Brabant", "Hart van Brabant", 49_600),
    # Utrecht
    ("GM0356", "Nieuwegein", "Utrecht", "Lekstroom", 66_800),
    ("GM0321", "Houten", "Utrecht", "Lekstroom", 50_900),
    ("GM0353", "IJsselstein", "Utrecht", "Lekstroom", 34_700),
    ("GM0331", "Lopik", "Utrecht", "Lekstroom", 14_800),
    ("GM1961", "Vijfheerenlanden", "Utrecht", "Lekstroom", 58_600),
    ("GM0355", "Zeist", "Utrecht", "Zuidoost Utrecht", 66_000),
    ("GM0310", "De Bilt", "Utrecht", "Zuidoost Utrecht", 43_800),
    # Overijssel
    ("GM0150", "Deventer", "Overijssel", "IJsselland", 102_000),
    ("GM0166", "Kampen", "Overijssel", "IJsselland", 55_000),
    ("GM0177", "Raalte", "Overijssel", "IJsselland", 38_800),
    ("GM0148", "Dalfsen", "Overijssel", "IJsselland", 29_600),
    ("GM0175", "Ommen", "Overijssel", "IJsselland", 18_700),
    ("GM0153", "Enschede", "Overijssel", "Twente", 160_000),
    ("GM0164", "Hengelo", "Overijssel", "Twente", 81_900),
    ("GM0141", "Almelo", "Overijssel", "Twente", 73_800),
    ("GM0173", "Oldenzaal", "Overijssel", "Twente", 32_000),
    ("GM0168", "Losser", "Overijssel", "Twente", 22_800),
    # Groningen
    ("GM1966", "Het Hogeland", "Groningen", "Groningen", 48_000),
    ("GM1969", "Westerkwartier", "Groningen", "Groningen", 66_000),
    ("GM1952", "Midden-Groningen", "Groningen", "Groningen", 61_000),
    ("GM1895", "Oldambt", "Groningen", "Groningen", 38_700),
    # Zeeland
    ("GM0687", "Middelburg", "Zeeland", "Zeeland", 49_800),
    ("GM0718", "Vlissingen", "Zeeland", "Zeeland", 45_000),
    ("GM0664", "Goes", "Zeeland", "Zeeland", 39_500),
]

# Breda's and Utrecht's minors for the report's estimate: about a fifth of the inhabitants, rounded,
# for the demo only (an admin records the real CBS figure with its year).
DEMO_MINORS = {"GM0758": (35_000, 2024), "GM0344": (71_000, 2024)}

ACCOUNTS = [
    # email, name, role, gemeente code
    ("beleid@breda.example", "Sanne de Vries", "beleidsmedewerker", "GM0758"),
    ("inkoop@breda.example", "Mehmet Yilmaz", "inkoper", "GM0758"),
    ("beleid@utrecht.example", "Anouk Jansen", "beleidsmedewerker", "GM0344"),
    ("adviseur@trimbos.example", "Pieter Bakker", "adviseur", None),
    ("beheer@beleidscheck.example", "Fatima El Amrani", "admin", None),
]

# The version before the current questions.yaml: the checks of 2023-2025 were filled in with it.
EARLIER_VERSION = ROOT / "questionnaires" / "2026.1.yaml"
EARLIER_YEARS = (2023, 2024, 2025)
CURRENT_YEAR = 2026

# Breda's and Utrecht's answer patterns, cycled over the questions: a gemeente that has started,
# and one that is far along. A value a question does not offer falls back to its second option.
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


@dataclass(frozen=True)
class Kind:
    """How a generated gemeente's answers develop: its starting maturity (0-1, the share of the best
    answer it tends to give), the change per year, and its share of 'weet ik niet' and that share's
    change per year."""

    base: float
    trend: float
    unknown: float
    unknown_trend: float = 0.0


KINDS = {
    "groeit": Kind(0.28, 0.11, 0.06, -0.01),  # improves year after year
    "stabiel": Kind(0.45, 0.0, 0.05),  # stalls at a middling level
    "koploper": Kind(0.66, 0.04, 0.02),  # far along, still a little better each year
    "onzeker": Kind(0.32, 0.04, 0.32, -0.04),  # many 'weet ik niet', slowly fewer
    "terugval": Kind(0.56, -0.08, 0.07, 0.02),  # slides back (budget cuts, staff leaving)
    "starter": Kind(0.16, 0.1, 0.12),  # new to the subject
}

# The other gemeenten: the years with a check on the earlier version (all definitive), then 2026 on
# the current version (definitief, concept, or None: no check), and their kind. A gemeente in
# GEMEENTEN but not here has no check at all. So per jeugdregio (gemeenten with a definitive check):
# West-Brabant-Oost 8, IJsselland 6, Twente 5, Groningen 5, Lekstroom 5 are shown; Hart van Brabant
# (4 of its 5: Waalwijk has only a draft), Zeeland 3, Zuidoost Utrecht 2 and Utrecht Stad 1 are not;
# nor is the province Zeeland, nor the size class under 20.000 inhabitants (4 gemeenten).
HISTORIES = {
    "GM0826": ((2023, 2024, 2025), "definitief", "groeit"),
    "GM0777": ((2024, 2025), "definitief", "stabiel"),
    "GM1719": ((2023, 2024, 2025), "concept", "onzeker"),
    "GM0779": ((2025,), "definitief", "starter"),
    "GM1723": ((2024, 2025), None, "stabiel"),
    "GM0744": ((2025,), "concept", "starter"),
    "GM0879": ((2023, 2024, 2025), "definitief", "koploper"),
    "GM0855": ((2023, 2024, 2025), "definitief", "koploper"),
    "GM0785": ((2024, 2025), "definitief", "groeit"),
    "GM0824": ((2024, 2025), "definitief", "terugval"),
    "GM0766": ((2025,), None, "onzeker"),
    "GM0867": ((), "concept", "starter"),
    "GM0356": ((2023, 2024, 2025), "definitief", "groeit"),
    "GM0321": ((2023, 2024, 2025), "definitief", "koploper"),
    "GM0353": ((2024, 2025), "definitief", "stabiel"),
    "GM0331": ((2024, 2025), "concept", "onzeker"),
    "GM1961": ((2025,), "definitief", "groeit"),
    "GM0355": ((2023, 2024, 2025), "definitief", "terugval"),
    "GM0310": ((2025,), "definitief", "stabiel"),
    "GM0193": ((2023, 2024, 2025), "definitief", "koploper"),
    "GM0150": ((2023, 2024, 2025), "definitief", "groeit"),
    "GM0166": ((2024, 2025), "definitief", "stabiel"),
    "GM0177": ((2025,), "definitief", "onzeker"),
    "GM0148": ((2024, 2025), "definitief", "groeit"),
    "GM0175": ((2025,), "concept", "starter"),
    "GM0153": ((2023, 2024, 2025), "definitief", "groeit"),
    "GM0164": ((2023, 2024, 2025), "definitief", "stabiel"),
    "GM0141": ((2024, 2025), "definitief", "terugval"),
    "GM0173": ((2025,), "definitief", "onzeker"),
    "GM0168": ((2024, 2025), "definitief", "groeit"),
    "GM0014": ((2023, 2024, 2025), "definitief", "groeit"),
    "GM1966": ((2024, 2025), "definitief", "onzeker"),
    "GM1969": ((2024, 2025), "definitief", "stabiel"),
    "GM1952": ((2025,), "definitief", "starter"),
    "GM1895": ((2023, 2024, 2025), "concept", "terugval"),
    "GM0687": ((2024, 2025), "definitief", "groeit"),
    "GM0718": ((2025,), "definitief", "stabiel"),
    "GM0664": ((), "definitief", "starter"),
}
# How much of the current questionnaire each draft has answered so far (in step order).
DRAFT_SHARES = {"GM1719": 0.85, "GM0744": 0.3, "GM0867": 0.5, "GM0331": 0.65, "GM0175": 0.15, "GM1895": 0.95}


def _answers(questionnaire, pattern):
    values = {}
    for question, wanted in zip(questionnaire.questions, cycle(pattern)):
        option = question.option(wanted) or question.options[1]
        values[question.id] = (option.value, COMMENTS.get(question.id, ""))
    return values


def _option_near(question: Question, maturity: float, regional: bool) -> str:
    """The answer whose share of the best score is nearest `maturity`; between equals, the regional
    one for a gemeente that arranges things with its region."""
    best = question.max_score
    return min(
        (o for o in question.options if not o.unknown),
        key=lambda o: (abs(o.score / best - maturity), o.regional != regional),
    ).value


def _generated_answers(
    questionnaire: Questionnaire, code: str, kind: Kind, year: int, first_year: int, share: float = 1.0
) -> dict[str, tuple[str | None, str]]:
    """A plausible, repeatable set of answers of one gemeente in one year. What stays the same over
    the years (its level, strong and weak domains, strong and weak questions) comes from a seed per
    gemeente; only a little noise differs per year."""
    steady = random.Random(code)
    base = kind.base + steady.uniform(-0.06, 0.06)
    domain_bias = {d.id: steady.uniform(-0.14, 0.14) for d in questionnaire.domains}
    regional = steady.random() < 0.5
    noise = random.Random(f"{code}/{year}")
    years = year - first_year
    unknown = max(0.0, kind.unknown + kind.unknown_trend * years)
    level = base + kind.trend * years
    values = {}
    questions = questionnaire.questions
    for question in questions[: round(len(questions) * share)]:
        if noise.random() < unknown:
            value = next(o.value for o in question.options if o.unknown)
        else:
            offset = random.Random(f"{code}/{question.id}").uniform(-0.22, 0.22)
            maturity = min(1.0, max(0.0, level + domain_bias[question.domain_id] + offset + noise.uniform(-0.1, 0.1)))
            value = _option_near(question, maturity, regional)
        values[question.id] = (value, "")
    return values


def _dates(code: str, year: int) -> tuple[datetime, datetime]:
    """When a check was started and when it was made definitive (or last saved, for a draft)."""
    rng = random.Random(f"{code}/{year}/dates")
    started = datetime(year, rng.randint(3, 8), rng.randint(1, 28), rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
    return started, started + timedelta(days=rng.randint(14, 80), hours=rng.randint(0, 5))


def _generated_checks(store: QuestionnaireStore, gemeenten: dict[str, Gemeente], earlier: Questionnaire) -> None:
    """The other gemeenten's checks, year by year, through the same operations as the app's own.
    They have no demo accounts, so nobody is named as their author."""
    for year in (*EARLIER_YEARS, CURRENT_YEAR):
        for code, (years, status_now, kind_name) in HISTORIES.items():
            first_year = years[0] if years else CURRENT_YEAR
            if year == CURRENT_YEAR:
                if status_now is None:
                    continue
                questionnaire, status = store.current, status_now
            elif year in years:
                questionnaire, status = earlier, "definitief"
            else:
                continue
            share = DRAFT_SHARES.get(code, 1.0) if status == "concept" else 1.0
            assessment = start_assessment(
                store, gemeenten[code], year, None, prefill=False, questionnaire=questionnaire
            )
            save_answers(
                assessment, None, _generated_answers(questionnaire, code, KINDS[kind_name], year, first_year, share)
            )
            started, finished = _dates(code, year)
            if year == CURRENT_YEAR and status == "concept":
                finished = datetime(2026, 11, 1) + (finished - started) / 4
            assessment.created_at = started
            assessment.updated_at = finished
            if status == "definitief":
                submit_assessment(assessment, None)
                assessment.submitted_at = finished
        db.session.flush()


# Utrecht's plans: per year the stand of the actions made from its first recommendations, in order.
# 2025's plan is followed up in 2026's; 2026's has one action past its date.
PLAN_OWNERS = ("Beleidsadviseur jeugd", "Contractmanager jeugdhulp", "Teamleider wijkteams", "Beleidsadviseur Wmo")
PLANS = {
    2025: [
        ("gereed", date(2026, 3, 1), "Besproken in het portefeuillehoudersoverleg van februari."),
        ("bezig", date(2026, 6, 1), "Wacht op de nieuwe contracten van de regio."),
        ("gestopt", date(2026, 9, 1), "Opgenomen in het regionale project; daar gevolgd."),
    ],
    2026: [
        ("bezig", date(2027, 4, 1), ""),
        ("gepland", date(2026, 11, 27), ""),
        ("gepland", date(2027, 6, 30), ""),
        ("gereed", date(2026, 12, 1), "Vastgesteld door het college."),
    ],
}


def _demo_plan(store: QuestionnaireStore, assessment, user, focus: int = 0) -> None:
    """A plan made from the check's own advice, as a beleidsmedewerker would."""
    advice = report_for(store, assessment).advice
    for (status, due, note), item, owner in zip(PLANS[assessment.year], advice, cycle(PLAN_OWNERS)):
        recommendation = item.recommendation
        db.session.add(
            PlanAction(
                assessment=assessment,
                domain_id=recommendation.domain_id,
                recommendation_id=recommendation.id,
                title=recommendation.title,
                owner=owner,
                partners="GGD regio Utrecht, wijkteams",
                due=due,
                success="Het college heeft het besproken en het staat in de planning van het volgende jaar.",
                status=status,
                status_note=note,
                updated_by=user,
            )
        )
    for domain_id in dict.fromkeys(a.recommendation.domain_id for a in advice[:focus]):
        assessment.focus.append(PlanFocus(domain_id=domain_id))


def load_demo_data(store: QuestionnaireStore) -> bool:
    """Fill an empty database; return False (and change nothing) if it has accounts already."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return False
    gemeenten = {}
    for code, name, province, region, inhabitants in GEMEENTEN:
        gemeenten[code] = Gemeente(code=code, name=name, province=province, jeugdregio=region, inhabitants=inhabitants)
        db.session.add(gemeenten[code])
    for code, (minors, year) in DEMO_MINORS.items():
        gemeenten[code].minors, gemeenten[code].minors_year = minors, year
    users = {}
    for email, name, role, code in ACCOUNTS:
        users[email] = User(email=email, name=name, role=role, gemeente=gemeenten.get(code))
        users[email].set_password(DEMO_PASSWORD)
        db.session.add(users[email])
    db.session.flush()

    earlier = store.load_file(EARLIER_VERSION)
    store.ensure_stored(earlier, published_at=datetime(2023, 1, 9, 9, 0))  # in use since the 2023 checks
    for code, email in (("GM0758", "beleid@breda.example"), ("GM0344", "beleid@utrecht.example")):
        user = users[email]
        assessment = start_assessment(store, gemeenten[code], 2025, user, prefill=False, questionnaire=earlier)
        save_answers(assessment, user, _answers(earlier, PROFILES[code]))
        submit_assessment(assessment, user)
        assessment.submitted_at = assessment.updated_at = datetime(2025, 11, 14, 10, 30)
        if code == "GM0344":
            _demo_plan(store, assessment, user)
    db.session.flush()
    # Utrecht's 2026 check is definitive, on the current version.
    utrecht = users["beleid@utrecht.example"]
    assessment = start_assessment(store, gemeenten["GM0344"], 2026, utrecht, prefill=False)
    save_answers(assessment, utrecht, _answers(store.current, UTRECHT_2026))
    submit_assessment(assessment, utrecht)
    assessment.submitted_at = assessment.updated_at = datetime(2026, 11, 20, 15, 0)
    _demo_plan(store, assessment, utrecht, focus=3)
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
    _generated_checks(store, gemeenten, earlier)
    db.session.commit()
    return True
