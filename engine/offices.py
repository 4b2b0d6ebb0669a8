"""LTSA offices: one installation serves many, each with its officers, cases and tasks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from engine.clock import Clock
from engine.errors import Conflict, ValidationFailed
from engine.store.db import Database
from engine.store.models import DEFAULT_OFFICE, OfficeRow

__all__ = ["DEFAULT_OFFICE", "Office", "Offices"]

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,19}$")


@dataclass(frozen=True)
class Office:
    """An office: its code (used in URLs and the CLI) and its name."""

    code: str
    name: str


class Offices:
    """The offices of the installation."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def add(self, code: str, name: str) -> Office:
        """Add an office.

        Raises:
            ValidationFailed: a bad code or an empty name.
            Conflict: the code is taken.
        """
        errors: dict[str, list[str]] = {}
        if not _CODE.match(code):
            errors["code"] = ["2–20 lowercase letters, digits, '_' or '-'"]
        if not name.strip() or len(name) > 200:
            errors["name"] = ["1–200 characters"]
        if errors:
            raise ValidationFailed(errors)
        with self.db.session() as session, session.begin():
            if session.get(OfficeRow, code) is not None:
                raise Conflict(f"office {code!r} exists already")
            session.add(OfficeRow(code=code, name=name.strip(), created_at=self.clock.now()))
        return Office(code, name.strip())

    def list(self) -> list[Office]:
        """Every office, by code."""
        with self.db.session() as session:
            rows = session.scalars(select(OfficeRow).order_by(OfficeRow.code))
            return [Office(r.code, r.name) for r in rows]

    def exists(self, code: str) -> bool:
        """Whether an office has this code."""
        with self.db.session() as session:
            return session.get(OfficeRow, code) is not None
