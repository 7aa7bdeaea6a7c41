"""Template filters shared by the web pages, the mails and the PDF.

Every time a user sees goes through `local` here: the database stores naive UTC (models.utcnow),
people read Dutch local time (Europe/Amsterdam, summer and winter time by zoneinfo).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


NL = ZoneInfo("Europe/Amsterdam")


def local(value: datetime) -> datetime:
    """A stored moment (naive UTC, or aware) as Dutch local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(NL)


def today() -> date:
    """Today's date in the Netherlands (not the server's)."""
    return datetime.now(NL).date()


def nl_date(value: date | datetime | None) -> str:
    """Dutch long date: 22 november 2026 (a moment is taken in local time first)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def nl_time(value: datetime | None) -> str:
    """Local clock time: 14:50."""
    return "" if value is None else local(value).strftime("%H:%M")


def nl_datetime(value: datetime | None) -> str:
    """Local date and time: 22 november 2026 om 14:50."""
    return "" if value is None else f"{nl_date(value)} om {nl_time(value)}"


def nl_number(value: int | None) -> str:
    """Dutch thousands separator: 184.000."""
    return "" if value is None else f"{value:,}".replace(",", ".")


def register(app: Flask) -> None:
    from selfcheck import policy
    from selfcheck.enums import Perspective
    from selfcheck.web.audit import actor_account, sentence

    app.add_template_filter(nl_date)
    app.add_template_filter(nl_time)
    app.add_template_filter(nl_datetime)
    app.add_template_filter(sentence, "audit_sentence")
    app.add_template_filter(actor_account, "audit_account")
    app.add_template_filter(nl_number)
    app.add_template_global(dict(Perspective.choices()), "perspective_labels")
    app.add_template_global(policy, "policy")

    @lru_cache(maxsize=4096)
    def cached_macro(name: str, *args) -> Markup:
        """A macro of check/_question.html, rendered once per argument set.

        The arguments are frozen questionnaire objects and plain values, so the output
        can never depend on anything else; a domain page is mostly these fragments.
        """
        module = app.jinja_env.get_template("check/_question.html").module
        return Markup(getattr(module, name)(*args))

    app.add_template_global(cached_macro)
