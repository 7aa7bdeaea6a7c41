"""Import gemeenten from a CBS list (code and name), e.g. 'Gemeenten alfabetisch' saved as CSV."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from selfcheck.extensions import db
from selfcheck.models import Gemeente
from selfcheck.web.forms import clean_text

CODE_COLUMNS = ("gemeentecodegm", "gemeentecode", "code", "regiocode")
NAME_COLUMNS = ("gemeentenaam", "naam", "name")
PROVINCE_COLUMNS = ("provincienaam", "provincie")


@dataclass
class ImportResult:
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, province)
    problems: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    normalized = [h.strip().lower().replace(" ", "").replace("_", "") for h in header]
    return next((normalized.index(n) for n in names if n in normalized), None)


def _code(raw: str) -> str | None:
    raw = raw.strip().upper()
    if re.fullmatch(r"GM\d{4}", raw):
        return raw
    if re.fullmatch(r"\d{1,4}", raw):
        return f"GM{int(raw):04d}"
    return None


def parse_cbs_csv(text: str) -> ImportResult:
    """Read rows; every problem names its line. Accepts ',' or ';' and the CBS column names."""
    result = ImportResult()
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        result.problems.append("Het bestand is leeg.")
        return result
    header = rows[0]
    code_at, name_at = _column(header, CODE_COLUMNS), _column(header, NAME_COLUMNS)
    province_at = _column(header, PROVINCE_COLUMNS)
    if code_at is None or name_at is None:
        result.problems.append("Regel 1: verwacht de kolommen 'GemeentecodeGM' (of 'Gemeentecode') en 'Gemeentenaam'.")
        return result
    seen = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(code_at, name_at):
            result.problems.append(f"Regel {line}: te weinig kolommen.")
            continue
        code, name = _code(row[code_at]), clean_text(row[name_at].strip())
        if code is None:
            result.problems.append(f"Regel {line}: ongeldige gemeentecode '{row[code_at].strip()}'.")
        elif not name:
            result.problems.append(f"Regel {line}: de naam ontbreekt.")
        elif code in seen:
            result.problems.append(f"Regel {line}: {code} staat dubbel in het bestand.")
        else:
            seen.add(code)
            province = (
                clean_text(row[province_at].strip()) if province_at is not None and len(row) > province_at else ""
            )
            result.rows.append((code, name[:120], province[:60]))
    return result


def apply_import(result: ImportResult) -> ImportResult:
    """Create new gemeenten and update names (and provinces) of known ones. No commit."""
    existing = {g.code: g for g in db.session.scalars(select(Gemeente))}
    for code, name, province in result.rows:
        gemeente = existing.get(code)
        if gemeente is None:
            db.session.add(Gemeente(code=code, name=name, province=province))
            result.created += 1
        elif (gemeente.name, gemeente.province) != (name, province or gemeente.province):
            gemeente.name, gemeente.province = name, province or gemeente.province
            result.updated += 1
    return result
