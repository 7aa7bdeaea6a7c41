"""The audit trail: one function to record an event; the view that records it commits it."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from selfcheck.extensions import db
from selfcheck.models import Assessment, AuditEvent, Gemeente, utcnow

ACTIONS = {
    "assessment.started": "Check gestart",
    "answers.saved": "Antwoorden gewijzigd",
    "assessment.submitted": "Check definitief gemaakt",
    "report.downloaded": "Rapport gedownload",
    "gemeente.saved": "Gemeente opgeslagen",
    "gemeenten.imported": "Gemeenten geïmporteerd",
    "user.saved": "Account opgeslagen",
    "user.invited": "Uitnodigingslink gemaakt",
    "user.invitation_mailed": "Uitnodiging gemaild",
    "user.reset_mailed": "Link voor een nieuw wachtwoord gemaild",
    "user.password_set": "Wachtwoord ingesteld",
    "user.exported": "Persoonsgegevens geëxporteerd",
    "user.deleted": "Account verwijderd",
    "backup.written": "Back-up gemaakt",
    "data.exported": "Gegevens geëxporteerd",
    "respondent.invited": "Respondent uitgenodigd",
    "respondent.exported": "Gegevens van respondent geëxporteerd",
    "respondent.forgotten": "Gegevens van respondent gewist",
    "respondent.mailed": "Respondent gemaild",
    "feedback.added": "Feedback gegeven",
    "feedback.mailed": "Melding van feedback gemaild",
    "plan.focus_saved": "Focus van het plan gekozen",
    "plan.action_added": "Actie aan het plan toegevoegd",
    "plan.action_changed": "Actie van het plan gewijzigd",
    "plan.actions_carried_over": "Lopende acties van vorig jaar overgenomen",
    "assessment.moved": "Check overgezet op een nieuwe versie van de vragenlijst",
    "questionnaire.uploaded": "Versie van de vragenlijst geüpload",
    "questionnaire.refused": "Upload van een vragenlijst geweigerd",
    "questionnaire.published": "Versie van de vragenlijst gepubliceerd",
    "questionnaire.withdrawn": "Versie van de vragenlijst ingetrokken",
}


INSERT_EVENT = AuditEvent.__table__.insert()  # built once: every save records an event


def event_row(
    action: str, *, assessment: Assessment | None = None, gemeente: Gemeente | None = None, user=None, **detail
) -> dict:
    """The audit trail's row for an event by the current user (or `user`), ready for INSERT_EVENT."""
    assert action in ACTIONS, action
    actor = user if user is not None else (current_user if current_user and current_user.is_authenticated else None)
    return {
        "at": utcnow(),
        "user_id": actor.id if actor else None,
        "user_label": f"{actor.name} <{actor.email}>" if actor else "systeem",
        "action": action,
        "assessment_id": assessment.id if assessment else None,
        "gemeente_id": gemeente.id if gemeente else assessment.gemeente_id if assessment else None,
        "detail": detail,
    }


def record(
    action: str, *, assessment: Assessment | None = None, gemeente: Gemeente | None = None, user=None, **detail
) -> None:
    """Write an event for the current user (or `user`) in the session's transaction; no commit.

    A plain INSERT rather than a new ORM object: every save records one, and the ORM's
    unit of work costs more than the row itself.
    """
    row = event_row(action, assessment=assessment, gemeente=gemeente, user=user, **detail)
    db.session.flush()  # the rows this event refers to exist before it does
    db.session.connection().execute(INSERT_EVENT, row)


# --- the log page: every event as one Dutch sentence -------------------------------------------

_SHORT = 60  # characters of a question's text in a sentence


def _short(text: str) -> str:
    """A question's text cut at a word boundary, for a sentence in the log."""
    text = " ".join(text.split())
    if len(text) <= _SHORT:
        return text
    return text[:_SHORT].rsplit(" ", 1)[0].rstrip(",;:") + "…"


_numbers: dict[str, dict[str, str]] = {}  # questionnaire fingerprint -> question id -> "2.3"


def _questionnaire(assessment: Assessment | None):
    if assessment is None:
        return None
    try:
        return current_app.extensions["questionnaire_store"].get(assessment.questionnaire_fingerprint)
    except (KeyError, LookupError):
        return None


def _question_numbers(questionnaire) -> dict[str, str]:
    numbers = _numbers.get(questionnaire.fingerprint)
    if numbers is None:
        numbers = {
            q.id: f"{d}.{i}"
            for d, domain in enumerate(questionnaire.domains, start=1)
            for i, q in enumerate(domain.questions, start=1)
        }
        _numbers[questionnaire.fingerprint] = numbers
    return numbers


def _question(questionnaire, question_id: str) -> str:
    """'vraag 2.3 ‘Heeft de gemeente…’', or a plain phrase when the question is not known."""
    question = questionnaire.question(question_id) if questionnaire else None
    if question is None:
        return "een vraag die niet meer in de vragenlijst staat"
    return f"vraag {_question_numbers(questionnaire)[question_id]} ‘{_short(question.text)}’"


def _option(questionnaire, question_id: str, value) -> str:
    question = questionnaire.question(question_id) if questionnaire else None
    option = question.option(value) if question and value else None
    return option.label.lower() if option else "een antwoord"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _actor(event: AuditEvent) -> str:
    """Who: 'Sanne de Vries (beleidsmedewerker, Breda)', as far as it is still known."""
    user = event.user
    if user is not None:
        where = f", {user.gemeente.name}" if user.gemeente else ""
        return f"{user.name} ({user.role_label.lower()}{where})"
    label = event.user_label or ""
    if not label or label == "systeem":
        return "Het systeem"
    if label == "verwijderde gebruiker":
        return "Een verwijderde gebruiker"
    return label.split(" <", 1)[0]


def _check(event: AuditEvent) -> str:
    """'de check 2026', with the gemeente unless it is the actor's own."""
    assessment = event.assessment
    if assessment is None:
        return "een check die niet meer bestaat"
    own = event.user is not None and event.user.gemeente_id == assessment.gemeente_id
    return f"de check {assessment.year}" + ("" if own else f" van {assessment.gemeente.name}")


def _perspective(detail: dict) -> str:
    from selfcheck.enums import Perspective

    try:
        return f"een respondent ({Perspective(detail.get('perspective')).label.lower()})"
    except ValueError:
        return "een respondent"


def _answers(event: AuditEvent) -> str:
    changes = event.detail.get("changes") or {}
    questionnaire = _questionnaire(event.assessment)
    if any(isinstance(c, dict) and c.get("consensus") for c in changes.values()):
        parts = [
            f"{_question(questionnaire, qid)} op ‘{_option(questionnaire, qid, c.get('naar'))}’"
            if c.get("naar")
            else f"{_question(questionnaire, qid)} open"
            for qid, c in changes.items()
        ]
        return f"heeft in de consensus van {_check(event)} " + ", ".join(parts) + " gezet"
    parts = []
    for qid, change in list(changes.items())[:5]:
        change = change if isinstance(change, dict) else {}
        if change.get("van") == change.get("naar") and change.get("toelichting_gewijzigd"):
            what = "alleen de toelichting"
        elif change.get("naar") is None:
            what = "antwoord gewist"
        else:
            what = f"nu ‘{_option(questionnaire, qid, change.get('naar'))}’"
        parts.append(f"{_question(questionnaire, qid)} ({what})")
    more = len(changes) - len(parts)
    text = f"heeft {_count(len(changes), 'antwoord', 'antwoorden')} in {_check(event)} gewijzigd"
    if parts:
        text += ": " + ", ".join(parts)
    if more > 0:
        text += f" en nog {_count(more, 'vraag', 'vragen')}"
    return text


def _focus(event: AuditEvent) -> str:
    questionnaire = _questionnaire(event.assessment)
    titles = []
    for domain_id in event.detail.get("domains") or []:
        domain = questionnaire.domain(domain_id) if questionnaire else None
        titles.append(domain.title if domain else "een domein dat niet meer bestaat")
    if not titles:
        return f"heeft in het plan van {_check(event)} geen focusdomeinen gekozen"
    return f"heeft als focus van het plan van {_check(event)} gekozen: " + ", ".join(titles)


def _action_changed(event: AuditEvent) -> str:
    from selfcheck.enums import ActionStatus

    text = f"heeft de actie ‘{event.detail.get('title', '')}’ in het plan van {_check(event)} gewijzigd"
    try:
        status = ActionStatus(event.detail["status"]).label.lower()
    except (KeyError, ValueError):
        return text
    return f"{text}; de stand is nu ‘{status}’"


_FILTER_NAMES = {"provincie": "provincie", "grootte": "grootte", "jaar": "jaar", "status": "status", "regio": "regio"}


def _export(event: AuditEvent) -> str:
    detail = event.detail
    kind = str(detail.get("format", "")).upper()
    if event.assessment is not None:
        return f"heeft de gegevens van {_check(event)} als {kind} gedownload"
    text = f"heeft het overzicht van de gemeenten als {kind} gedownload"
    if isinstance(detail.get("rows"), int):
        text += f" ({_count(detail['rows'], 'regel', 'regels')})"
    filters = detail.get("filters") or {}
    if isinstance(filters, dict) and filters:
        text += ", alleen " + ", ".join(f"{_FILTER_NAMES.get(k, 'keuze')} {v}" for k, v in filters.items())
    return text


_MAIL_KIND = {"invitation": "een uitnodiging", "reminder": "een herinnering", "renewed": "een nieuwe link"}
_PASSWORD_VIA = {"invitation": "via de uitnodiging", "reset": "via de link voor een nieuw wachtwoord"}
_REPORT = {
    "rapport": "het rapport",
    "inkoop": "de inkoopeisen",
    "raadsinformatiebrief": "de raadsinformatiebrief",
    "voorbeeld": "een voorbeeldrapport van een nieuwe versie van de vragenlijst met de antwoorden",
}


def _recipient(detail: dict) -> str:
    from selfcheck.models import User

    user = db.session.get(User, detail["ontvanger"]) if isinstance(detail.get("ontvanger"), int) else None
    return user.name if user is not None else "een beleidsmedewerker"


# action -> what the actor did, as the rest of the sentence after the actor
_WHAT = {
    "assessment.started": lambda e: (
        f"heeft {_check(e)} gestart"
        + (", met de antwoorden van de vorige check" if e.detail.get("prefilled") else ", zonder eerdere antwoorden")
    ),
    "answers.saved": _answers,
    "assessment.submitted": lambda e: f"heeft {_check(e)} definitief gemaakt",
    "report.downloaded": lambda e: (
        f"heeft {_REPORT.get(e.detail.get('kind'), 'het rapport')} van {_check(e)} als "
        + ("Word-bestand" if e.detail.get("format") == "docx" else "pdf")
        + " gedownload"
    ),
    "gemeente.saved": lambda e: f"heeft de gegevens van gemeente {e.detail.get('name', '')} opgeslagen",
    "gemeenten.imported": lambda e: (
        f"heeft gemeenten ingelezen: {e.detail.get('created', 0)} nieuw, {e.detail.get('updated', 0)} bijgewerkt"
    ),
    "user.saved": lambda e: (
        f"heeft het account van {e.detail.get('account', 'een gebruiker')} "
        + ("aangemaakt" if e.detail.get("new") else "gewijzigd")
    ),
    "user.invited": lambda e: f"heeft een uitnodigingslink gemaakt voor {e.detail.get('account', 'een gebruiker')}",
    "user.invitation_mailed": lambda e: f"heeft een uitnodiging gemaild aan {e.detail.get('account', 'een gebruiker')}",
    "user.reset_mailed": lambda e: (
        f"heeft een link voor een nieuw wachtwoord gemaild aan {e.detail.get('account', 'een gebruiker')}"
    ),
    "user.password_set": lambda e: (
        "heeft een wachtwoord ingesteld " + _PASSWORD_VIA.get(e.detail.get("via"), "met een link uit een e-mail")
    ),
    "user.exported": lambda e: f"heeft de persoonsgegevens van {e.detail.get('account', 'een gebruiker')} gedownload",
    "user.deleted": lambda e: "heeft een account verwijderd",
    "backup.written": lambda e: (
        f"heeft een back-up gemaakt ({e.detail.get('file', 'bestand')}"
        + (f", {_count(e.detail['rows'], 'rij', 'rijen')})" if isinstance(e.detail.get("rows"), int) else ")")
    ),
    "data.exported": _export,
    "respondent.invited": lambda e: (
        f"heeft de link van {_perspective(e.detail)} bij {_check(e)} vernieuwd"
        if e.detail.get("renewed")
        else f"heeft {_perspective(e.detail)} uitgenodigd voor {_check(e)}"
    ),
    "respondent.exported": lambda e: f"heeft de gegevens van {_perspective(e.detail)} bij {_check(e)} gedownload",
    "respondent.forgotten": lambda e: f"heeft naam en e-mail van {_perspective(e.detail)} bij {_check(e)} gewist",
    "respondent.mailed": lambda e: (
        f"heeft {_MAIL_KIND.get(e.detail.get('soort'), 'een e-mail')} gemaild aan "
        f"{_perspective(e.detail)} bij {_check(e)}"
    ),
    "feedback.added": lambda e: f"heeft feedback gegeven op {_check(e)}",
    "feedback.mailed": lambda e: f"heeft {_recipient(e.detail)} gemaild over nieuwe feedback op {_check(e)}",
    "plan.focus_saved": _focus,
    "plan.action_added": lambda e: (
        f"heeft de actie ‘{e.detail.get('title', '')}’ toegevoegd aan het plan van {_check(e)}"
    ),
    "plan.action_changed": _action_changed,
    "plan.actions_carried_over": lambda e: (
        f"heeft {_count(e.detail.get('count', 0), 'lopende actie', 'lopende acties')}"
        f" uit het plan van {e.detail.get('year', 'vorig jaar')} overgenomen in het plan van {_check(e)}"
    ),
}


_WHAT.update(
    {
        "assessment.moved": lambda e: (
            f"heeft {_check(e)} overgezet van versie {e.detail['van']} naar versie {e.detail['naar']} van de vragenlijst"
            f" ({_count(e.detail.get('overgenomen', 0), 'antwoord', 'antwoorden')} overgenomen,"
            f" {_count(e.detail.get('vervallen', 0), 'antwoord', 'antwoorden')} niet,"
            f" {_count(e.detail.get('open', 0), 'vraag', 'vragen')} open)"
        ),
        "questionnaire.uploaded": lambda e: f"heeft versie {e.detail['version']} van de vragenlijst geüpload",
        "questionnaire.refused": lambda e: (
            f"heeft een vragenlijst geüpload die niet klopte ({_count(e.detail.get('problems', 0), 'probleem', 'problemen')});"
            " er is niets veranderd"
        ),
        "questionnaire.published": lambda e: (
            f"heeft versie {e.detail['version']} van de vragenlijst gepubliceerd; nieuwe checks gebruiken die versie"
        ),
        "questionnaire.withdrawn": lambda e: f"heeft versie {e.detail['version']} van de vragenlijst ingetrokken",
    }
)


def sentence(event: AuditEvent) -> str:
    """The event as one Dutch sentence: who did what, without technical details."""
    what = _WHAT.get(event.action)
    if what is None:
        return f"{_actor(event)} deed iets wat het logboek niet kent."
    try:
        return f"{_actor(event)} {what(event)}."
    except (AttributeError, KeyError, TypeError, ValueError):  # an older event with other details
        return f"{_actor(event)}: {ACTIONS.get(event.action, 'onbekende gebeurtenis').lower()}."


def actor_account(event: AuditEvent) -> str:
    """The e-mail address the actor had at the time ('' for the system or a deleted user)."""
    label = event.user_label or ""
    return label.rsplit(" <", 1)[1].rstrip(">") if label.endswith(">") and " <" in label else ""
