"""Error pages in Dutch."""

from __future__ import annotations

import logging
from functools import wraps

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from selfcheck.extensions import db
from selfcheck.logs import log_refused

logger = logging.getLogger(__name__)

MESSAGES = {
    400: ("Ongeldig verzoek", "De server kon dit verzoek niet verwerken."),
    403: ("Geen toegang", "U heeft geen rechten voor deze pagina of handeling."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet, of u heeft er geen toegang toe."),
    405: ("Niet toegestaan", "Deze handeling is hier niet mogelijk."),
    409: (
        "Tegelijk gewijzigd",
        "Iemand anders wijzigde dit op hetzelfde moment. Er is niets opgeslagen; laad de pagina opnieuw en "
        "probeer het nog eens.",
    ),
    410: ("Verlopen", "Deze link is verlopen."),
    413: ("Te groot", "Wat u verstuurde is te groot. Maak teksten korter of kies een kleiner bestand."),
    415: ("Ongeldig formulier", "Dit adres neemt alleen formulieren aan. Er is niets opgeslagen."),
    422: ("Ongeldige invoer", "Het formulier bevat fouten. Er is niets opgeslagen."),
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
    """Register the app's handlers, then make every handler (the blueprints' too) safe.

    Must run after the blueprints are registered (create_app does so)."""
    _register(app)
    _make_handlers_safe(app)


def _make_handlers_safe(app: Flask) -> None:
    """A handler that fails itself must not turn a refusal into a 500.

    E.g. a blueprint's CSRF handler that re-shows a domain page asks the policy for that page;
    for a page the user may not see the policy aborts with 404 inside the handler. That 404 (or
    403, 410) is then the answer; any other failure inside a handler answers with the status of
    the error that was being handled.
    """
    for scope in app.error_handler_spec.values():
        for handlers in scope.values():
            for exception_class, handler in list(handlers.items()):
                if not getattr(handler, "_selfcheck_safe", False):
                    handlers[exception_class] = _safe(handler)


def _safe(handler):
    @wraps(handler)
    def safe(error):
        try:
            return handler(error)
        except HTTPException as inner:
            db.session.rollback()
            status = inner.code or 500
            log_refused(logger, status, "refused while handling an earlier refusal")
            return _answer(status)
        except Exception:
            logger.error("An error handler failed; answered with the original status", exc_info=True)
            db.session.rollback()
            return _answer(getattr(error, "code", None) or 500)

    safe._selfcheck_safe = True
    return safe


def _answer(status: int, text: str | None = None):
    if wants_json():
        return jsonify(saved=False, message=text or MESSAGES.get(status, MESSAGES[500])[1]), status
    return _page(status, text)


def _register(app: Flask) -> None:
    for status in (400, 403, 404, 405, 409, 410, 413, 415, 422):
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

    @app.errorhandler(StaleDataError)
    def version_clash(error):
        """Two saves of the same row at once (the version counter moved on): a 409, never a 500."""
        db.session.rollback()
        log_refused(logger, 409, "version clash (StaleDataError)")
        return _answer(409)
