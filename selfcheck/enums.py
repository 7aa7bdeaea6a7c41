"""The fixed vocabularies of the app: roles, statuses and perspectives.

Pure Python, so the core, the models (their CHECK constraints), the forms and the templates
all spell them the same way. Each member is its stored string; `label` is what a person reads.
"""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return self._labels()[self]

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def sql_list(cls) -> str:
        """All values as an SQL list, for CHECK constraints: ('a', 'b')."""
        return sql_list(cls)


class Role(_Labelled):
    BELEIDSMEDEWERKER = "beleidsmedewerker"
    INKOPER = "inkoper"
    ADVISEUR = "adviseur"
    ADMIN = "admin"

    @classmethod
    def _labels(cls) -> dict:
        return _ROLE_LABELS

    @property
    def belongs_to_gemeente(self) -> bool:
        """Gemeente staff belong to exactly one gemeente; the national roles to none."""
        return self in (Role.BELEIDSMEDEWERKER, Role.INKOPER)


class Status(_Labelled):
    CONCEPT = "concept"
    DEFINITIEF = "definitief"

    @classmethod
    def _labels(cls) -> dict:
        return _STATUS_LABELS


class Perspective(_Labelled):
    BELEID = "beleid"
    INKOOP = "inkoop"
    UITVOERING = "uitvoering"
    KETENPARTNER = "ketenpartner"
    ZORGVERZEKERAAR = "zorgverzekeraar"

    @classmethod
    def _labels(cls) -> dict:
        return _PERSPECTIVE_LABELS


class ActionStatus(_Labelled):
    """Where an action of the plan stands; the first two are still open."""

    GEPLAND = "gepland"
    BEZIG = "bezig"
    GEREED = "gereed"
    GESTOPT = "gestopt"

    @classmethod
    def _labels(cls) -> dict:
        return _ACTION_STATUS_LABELS

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.GEPLAND, ActionStatus.BEZIG)


_ROLE_LABELS = {
    Role.BELEIDSMEDEWERKER: "Beleidsmedewerker",
    Role.INKOPER: "Inkoper",
    Role.ADVISEUR: "Adviseur",
    Role.ADMIN: "Beheerder",
}
_STATUS_LABELS = {Status.CONCEPT: "Concept", Status.DEFINITIEF: "Definitief"}
_PERSPECTIVE_LABELS = {
    Perspective.BELEID: "Beleid",
    Perspective.INKOOP: "Inkoop",
    Perspective.UITVOERING: "Uitvoering (wijkteam/CJG)",
    Perspective.KETENPARTNER: "Ketenpartner",
    Perspective.ZORGVERZEKERAAR: "Zorgverzekeraar",
}


_ACTION_STATUS_LABELS = {
    ActionStatus.GEPLAND: "Gepland",
    ActionStatus.BEZIG: "Bezig",
    ActionStatus.GEREED: "Gereed",
    ActionStatus.GESTOPT: "Gestopt",
}


def sql_list(members) -> str:
    return "(" + ", ".join(f"'{member.value}'" for member in members) + ")"


GEMEENTE_ROLES = tuple(role for role in Role if role.belongs_to_gemeente)
NATIONAL_ROLES = tuple(role for role in Role if not role.belongs_to_gemeente)
