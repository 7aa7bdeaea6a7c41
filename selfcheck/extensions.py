"""Unbound extensions, bound in the app factory (no import cycles)."""

import functools

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, bindparam, select

# Named constraints, so that migrations can alter them on every database.
db = SQLAlchemy(
    # Views redirect with the objects they just saved; reloading them after commit is waste.
    session_options={"expire_on_commit": False},
    metadata=MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    ),
)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in om deze pagina te bekijken."
login_manager.login_message_category = "info"


@functools.cache
def _by_id(model):
    return select(model).where(model.id == bindparam("id"))


def get_by_id(model, id_: int):
    """db.session.get for the lookups every request makes (the user, the assessment): the same
    row, from a statement built once instead of on every call."""
    return db.session.execute(_by_id(model), {"id": id_}).scalar_one_or_none()


def configure_sqlite(engine) -> None:
    """WAL lets readers work while a worker writes, and makes each commit a cheap append."""
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
