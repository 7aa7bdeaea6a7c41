"""A consistent backup of all data as JSON, and its restore into an empty database."""

from __future__ import annotations

import io
import json
import os
import stat
from datetime import UTC, date, datetime
from typing import IO

from sqlalchemy import Date, DateTime, func, select, text

from selfcheck.extensions import db

FORMAT = 1
# A backup holds password hashes and every answer: readable by its owner only.
FILE_MODE = 0o600


class BackupError(Exception):
    pass


def _begin_snapshot(connection) -> None:
    """Make every following read see the database at one moment."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    elif connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            raw.execute("BEGIN")  # pysqlite would not start one for reads


def _schema_revision(connection) -> str:
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def _encode(value):
    return value.isoformat() if isinstance(value, date) else value  # datetime is a date too


def open_backup_file(path) -> IO[str]:
    """Open `path` for a backup, created 0600 (and made 0600 when it already exists), before a byte
    is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        _private(fd)  # O_CREAT's mode applies only to a new file
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "w", encoding="utf-8")


def _make_private(file: IO[str]) -> None:
    """A backup written to a real file is 0600, however that file was opened."""
    try:
        fd = file.fileno()
    except (AttributeError, io.UnsupportedOperation):
        return  # an in-memory buffer
    _private(fd)


def _private(fd: int) -> None:
    if stat.S_ISREG(os.fstat(fd).st_mode):  # not a pipe or terminal (flask backup /dev/stdout)
        os.fchmod(fd, FILE_MODE)


def write_backup(file: IO[str]) -> dict[str, int]:
    """Write every table to `file` (made 0600 first if it is a file); return the row count per table."""
    _make_private(file)
    with db.engine.connect() as connection, connection.begin():
        _begin_snapshot(connection)
        revision = _schema_revision(connection)
        tables = {}
        for table in db.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    json.dump(
        {"format": FORMAT, "schema_revision": revision, "created": datetime.now(UTC).isoformat(), "tables": tables},
        file,
        ensure_ascii=False,
        indent=1,
    )
    return {name: len(rows) for name, rows in tables.items()}


def restore_backup(file: IO[str]) -> dict[str, int]:
    """Load a backup into an empty database at the same schema revision, in one transaction."""
    try:
        data = json.load(file)
    except json.JSONDecodeError as error:
        raise BackupError(f"Geen geldige back-up (JSON-fout op regel {error.lineno}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise BackupError("Dit bestand is geen back-up van de KOPP/KOV Beleidscheck.")
    with db.engine.begin() as connection:
        revision = _schema_revision(connection)
        if data.get("schema_revision") != revision:
            raise BackupError(
                f"De back-up hoort bij schemaversie {data.get('schema_revision')}, de database heeft {revision}. "
                "Zet de database eerst op dezelfde versie (flask db upgrade)."
            )
        for table in db.metadata.sorted_tables:
            if connection.execute(select(func.count()).select_from(table)).scalar_one():
                raise BackupError(
                    f"De database is niet leeg (tabel {table.name}); herstel alleen in een lege database."
                )
        counts = {}
        for table in db.metadata.sorted_tables:
            dates = {c.name for c in table.columns if isinstance(c.type, DateTime)}
            days = {c.name for c in table.columns if isinstance(c.type, Date)}
            rows = [
                {
                    k: datetime.fromisoformat(v)
                    if k in dates and v
                    else date.fromisoformat(v)
                    if k in days and v
                    else v
                    for k, v in row.items()
                }
                for row in data["tables"].get(table.name, [])
            ]
            if rows:
                connection.execute(table.insert(), rows)
            counts[table.name] = len(rows)
            if connection.dialect.name == "postgresql" and rows and "id" in table.columns:
                # ids were inserted explicitly; the sequence must continue after them
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'(SELECT MAX(id) FROM "{table.name}"))'
                    )
                )
    return counts
