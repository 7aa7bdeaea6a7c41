"""Error pages in Dutch."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from selfcheck.extensions import db
from selfcheck.logs import log_refused

logger = logging.getLogger(__name__)

MESSAGES = {
    400: ("Ongeldig verzoek", "De server kon dit verzoek niet verwerken."),
    403: ("Geen toegang", "U heeft geen rechten voor deze pagina of handeling."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet, of u heeft er geen toegang toe."),
    405: ("Niet toegestaan", "Deze handeling is hier niet mogelijk."),
    410: ("Verlopen", "Deze link is verlopen."),
    413: ("Te groot", "Wat u verstuurde is te groot. Maak teksten korter of kies een kleiner bestand."),
    429: ("Te veel pogingen", "Te veel pogingen in korte tijd. Wacht een kwartier en probeer het dan opnieuw."),
    500: (
        "Er ging iets mis",
        "Er is een fout opgetreden. Uw laatste wijziging is niet opgeslagen; probeer het opnieuw.",
    ),
}
CSRF_MESSAGE = (
    "Het formulier is verlopen of ongeldig (beveiligingscode ontbreekt of klopt niet). "
    "Er is niets opgeslagen. Controleer uw antwoorden en verstuur het formulier opnieuw."
)


def _page(status: int, text: str | None = None, title: str | None = None):
    standard_title, standard_text = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "errors/error.html", status=status, title=title or standard_title, text=text or standard_text
    ), status


def wants_json() -> bool:
    """The autosave endpoints (check.js) read JSON; everything else is a page."""
    return (request.endpoint or "").endswith(".autosave")


def refuse(status: int, text: str, title: str | None = None):
    """A request refused before any view ran: JSON for the autosave, else an error page."""
    log_refused(logger, status, "refused before the view")  # unless the caller logged a reason
    if wants_json():
        return jsonify(saved=False, message=text), status
    return _page(status, text, title)


def register_errorhandlers(app: Flask) -> None:
    for status in (400, 403, 404, 405, 410, 413):
        app.register_error_handler(status, lambda error, status=status: _page(status))

    @app.errorhandler(429)
    def rate_limited(error):
        # error.description is the limit ("10 per 15 minute"), never its key (the typed address)
        log_refused(logger, 429, f"rate limit reached ({error.description})")
        return _page(429)

    @app.errorhandler(500)
    def internal_error(error):
        # Flask passes an InternalServerError; the exception that caused it, if any, is inside.
        original = getattr(error, "original_exception", None)
        logger.error("Unhandled error, answered with 500", exc_info=original or error)
        db.session.rollback()
        return _page(500)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        log_refused(logger, 400, f"CSRF check failed ({error.description})")
        # Blueprints with a page worth re-showing (the domain page) register their own handler.
        return refuse(400, CSRF_MESSAGE, title="Formulier verlopen")
