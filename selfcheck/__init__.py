"""KOPP/KOV Beleidscheck.

The questionnaire core (questionnaire, loader, scoring, advice, report) is pure
Python; the web app is built on demand so that importing the core never loads
Flask, SQLAlchemy or WeasyPrint.
"""


def create_app(config=None):
    from selfcheck.app import create_app as _create_app

    return _create_app(config)
