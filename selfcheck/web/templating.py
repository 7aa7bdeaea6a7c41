"""Template filters shared by the web pages and the PDF."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

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


def nl_date(value: date | datetime | None) -> str:
    """Dutch long date: 22 november 2026."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def nl_number(value: int | None) -> str:
    """Dutch thousands separator: 184.000."""
    return "" if value is None else f"{value:,}".replace(",", ".")


def register(app: Flask) -> None:
    from selfcheck import policy
    from selfcheck.enums import Perspective

    app.add_template_filter(nl_date)
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
