"""Error pages in Dutch."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from selfcheck.extensions import db

MESSAGES = {
    400: ("Ongeldig verzoek", "De server kon dit verzoek niet verwerken."),
    403: ("Geen toegang", "U heeft geen rechten voor deze pagina of handeling."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet, of u heeft er geen toegang toe."),
    405: ("Niet toegestaan", "Deze handeling is hier niet mogelijk."),
    410: ("Verlopen", "Deze link is verlopen."),
    413: ("Te groot", "Wat u verstuurde is te groot. Maak teksten korter of kies een kleiner bestand."),
    429: ("Te veel pogingen", "Te veel pogingen in korte tijd. Wacht een kwartier en probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er is een fout opgetreden. Uw laatste wijziging is niet opgeslagen; probeer het opnieuw."),
}
CSRF_MESSAGE = (
    "Het formulier is verlopen of ongeldig (beveiligingscode ontbreekt of klopt niet). "
    "Er is niets opgeslagen. Controleer uw antwoorden en verstuur het formulier opnieuw."
)


def _page(status: int, text: str | None = None, title: str | None = None):
    standard_title, standard_text = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title or standard_title,
                           text=text or standard_text), status


def refuse(status: int, text: str, title: str | None = None):
    """A request refused before any view ran: JSON for the autosave, else an error page."""
    if request.form.get("action") == "autosave":
        return jsonify(saved=False, message=text), status
    return _page(status, text, title)


def register_errorhandlers(app: Flask) -> None:
    for status in (400, 403, 404, 405, 410, 413, 429):
        app.register_error_handler(status, lambda error, status=status: _page(status))

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return _page(500)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.endpoint == "check.step" and request.form.get("action") != "autosave":
            from selfcheck.check.views import render_step_after_csrf_failure

            return render_step_after_csrf_failure(CSRF_MESSAGE)
        return refuse(400, CSRF_MESSAGE, title="Formulier verlopen")
