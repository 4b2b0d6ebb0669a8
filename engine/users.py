"""People who use the engine: roles, desks, argon2 passwords and API tokens.

Only password hashes (argon2id) and token SHA-256 digests are stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.desks import Desk
from engine.errors import Conflict, NotFound, ValidationFailed
from engine.store.db import Database
from engine.store.models import DEFAULT_OFFICE, ApiToken, OfficeRow, TaskRow, UserRow
from engine.views import Actor, Role

__all__ = ["LOCKOUT_AFTER", "USER_ROLES", "ClaimsHeld", "HeldTask", "User", "Users"]

LOCKOUT_AFTER = 5
LOCKOUT_FOR = timedelta(minutes=15)
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """A user as the rest of the system sees it (no secrets)."""

    id: int
    name: str
    role: str
    desks: tuple[str, ...]
    active: bool
    office: str | None = None  # None: national

    @property
    def actor(self) -> Actor:
        """The actor that this user's inputs are recorded under."""
        return Actor(self.name, self.role, self.desks, self.office)


def _view(row: UserRow | Row[Any]) -> User:
    return User(row.id, row.name, row.role, tuple(row.desks or ()), row.active, row.office)


#: Roles that always work in one office (the default office when none is given).
_OFFICE_ROLES = (Role.OFFICER, Role.KEPALA)
#: The roles a person may have (every `Role` but the engine's own `system`).
USER_ROLES: tuple[Role, ...] = tuple(r for r in Role if r != Role.SYSTEM)
_ROLE_MESSAGE = "one of " + ", ".join(USER_ROLES)


def _role_errors(role: str) -> list[str]:
    return [] if role in USER_ROLES else [_ROLE_MESSAGE]


@dataclass(frozen=True)
class HeldTask:
    """A ready task a user has claimed, in an office they would leave."""

    id: int
    case_id: int
    title: str
    office: str


class ClaimsHeld(Conflict):
    """A change would leave the user holding claimed tasks they can no longer work."""

    code = "claims_held"

    def __init__(self, name: str, tasks: Sequence[HeldTask]) -> None:
        self.tasks = tuple(tasks)
        listed = ", ".join(f"task {t.id} of case {t.case_id} ({t.title})" for t in self.tasks)
        super().__init__(
            f"{name} holds claimed tasks they could no longer work: {listed}; "
            "give them back to their desk first, or release them with the change"
        )


# Asked on every request (API token or session cookie): built once, run on a plain connection.
_USER_COLUMNS = (
    UserRow.id,
    UserRow.name,
    UserRow.role,
    UserRow.desks,
    UserRow.active,
    UserRow.office,
)
_BY_TOKEN = (
    select(*_USER_COLUMNS)
    .join(ApiToken, ApiToken.user_id == UserRow.id)
    .where(ApiToken.token_hash == bindparam("p_digest"))
)
_BY_ID = select(*_USER_COLUMNS).where(UserRow.id == bindparam("p_id"))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Users:
    """The user store."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def add(
        self,
        name: str,
        role: str,
        desks: Sequence[str] = (),
        password: str | None = None,
        *,
        office: str | None = None,
    ) -> User:
        """Create a user; officers need at least one desk.

        Officers and heads of office belong to `office` (the default office
        when None); other roles are national unless an office is given.

        Raises:
            ValidationFailed: bad name, role, desk or a weak password.
            Conflict: the name is taken.
        """
        errors: dict[str, list[str]] = {}
        if not _NAME.match(name):
            errors["name"] = ["2–50 lowercase letters, digits, '.', '_' or '-'"]
        if _role_errors(role):
            errors["role"] = _role_errors(role)
        unknown = [d for d in desks if d not in {x.value for x in Desk}]
        if unknown:
            errors["desk"] = [f"unknown desk: {', '.join(unknown)}"]
        if role == Role.OFFICER and not desks:
            errors.setdefault("desk", []).append("an officer needs at least one desk")
        if password is not None and len(password) < 8:
            errors["password"] = ["at least 8 characters"]
        if errors:
            raise ValidationFailed(errors)
        if office is None and role in _OFFICE_ROLES:
            office = DEFAULT_OFFICE
        with self.db.session() as session, session.begin():
            if office is not None and session.get(OfficeRow, office) is None:
                raise ValidationFailed({"office": [f"unknown office: {office}"]})
            if session.scalar(select(UserRow).where(UserRow.name == name)) is not None:
                raise Conflict(f"user {name!r} exists already")
            row = UserRow(
                name=name,
                role=role,
                desks=list(dict.fromkeys(desks)),
                password_hash=_hasher.hash(password) if password else None,
                active=True,
                failed_logins=0,
                created_at=self.clock.now(),
                office=office,
            )
            session.add(row)
            session.flush()
            return _view(row)

    def get(self, name: str) -> User:
        """A user by name.

        Raises:
            NotFound: no such user.
        """
        with self.db.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"user {name!r} does not exist")
            return _view(row)

    def by_id(self, user_id: int) -> User | None:
        """A user by id, or None."""
        with self.db.reads.connect() as connection:
            row = connection.execute(_BY_ID, {"p_id": user_id}).first()
        return _view(row) if row is not None else None

    def list(self) -> list[User]:
        """Every user, by name."""
        with self.db.session() as session:
            return [_view(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]

    def update(
        self,
        name: str,
        *,
        role: str | None = None,
        desks: Sequence[str] | None = None,
        active: bool | None = None,
        password: str | None = None,
        office: str | None = None,
        release_claims: bool = False,
    ) -> User:
        """Change a user's role, desks, active flag, password or office, all or nothing.

        `office` is an office code, or "" for national (not for officers and
        heads of office, who belong to one); None leaves it as it is. A user
        who becomes an officer or head of office without one goes to the
        default office, as in `add`. Ready tasks the user has claimed and could
        no longer work after the change (an office they leave, a desk taken
        away, a role without desks, the account deactivated) would be stranded:
        no one else may complete them. The change is refused, naming them,
        unless `release_claims`, which gives them back to their desk in the
        same transaction.

        Raises:
            NotFound: no such user.
            ValidationFailed: bad role, desk, password or office; nothing changed.
            ClaimsHeld: the user holds claimed tasks they could no longer work.
        """
        with self.db.session() as session, session.begin():
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"user {name!r} does not exist")
            before = _view(row)
            if role is not None:
                if _role_errors(role):
                    raise ValidationFailed({"role": _role_errors(role)})
                row.role = role
            if desks is not None:
                unknown = [d for d in desks if d not in {x.value for x in Desk}]
                if unknown:
                    raise ValidationFailed({"desk": [f"unknown desk: {', '.join(unknown)}"]})
                row.desks = list(dict.fromkeys(desks))
            if active is not None:
                row.active = active
            if password is not None:
                if len(password) < 8:
                    raise ValidationFailed({"password": ["at least 8 characters"]})
                row.password_hash = _hasher.hash(password)
                row.failed_logins = 0
                row.locked_until = None
            _move(session, row, office)
            after = _view(row)
            _strand_no_claims(session, before, after, release_claims)
            return after

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is right and the account not locked.

        Five wrong passwords in a row lock the account for 15 minutes.
        """
        now: datetime = self.clock.now()
        with self.db.session() as session, session.begin():
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None or not row.active or row.password_hash is None:
                _hasher.hash("timing-equaliser")
                return None
            if row.locked_until is not None and row.locked_until > now:
                return None
            try:
                _hasher.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                row.failed_logins += 1
                if row.failed_logins >= LOCKOUT_AFTER:
                    row.locked_until = now + LOCKOUT_FOR
                    row.failed_logins = 0
                return None
            row.failed_logins = 0
            row.locked_until = None
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            return _view(row)

    def new_token(self, name: str) -> str:
        """Create an API token for a user; only its digest is kept."""
        token = secrets.token_urlsafe(32)
        with self.db.session() as session, session.begin():
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"user {name!r} does not exist")
            session.add(
                ApiToken(
                    user_id=row.id, token_hash=_token_digest(token), created_at=self.clock.now()
                )
            )
        return token

    def for_token(self, token: str) -> User | None:
        """The active user an API token belongs to, or None."""
        with self.db.reads.connect() as connection:
            row = connection.execute(_BY_TOKEN, {"p_digest": _token_digest(token)}).first()
        return _view(row) if row is not None and row.active else None


def _move(session: Session, row: UserRow, office: str | None) -> None:
    """Put a user (already given their new role) in `office`; see `Users.update`."""
    target = row.office if office is None else (office or None)
    if target is None and row.role in _OFFICE_ROLES:
        if office == "":
            raise ValidationFailed(
                {"office": ["an officer or head of office belongs to one office"]}
            )
        target = DEFAULT_OFFICE
    if target is not None and session.get(OfficeRow, target) is None:
        raise ValidationFailed({"office": [f"unknown office: {target}"]})
    row.office = target


def _strand_no_claims(session: Session, before: User, after: User, release_claims: bool) -> None:
    """Refuse (or, with `release_claims`, give back) the claims a change takes from the user.

    A claimed ready task is stranded when the user could work it before the
    change and cannot after: no one else may complete it.
    """
    held = select(TaskRow).where(TaskRow.assignee == before.name, TaskRow.state == "ready")
    stranded = [
        task
        for task in session.scalars(held.order_by(TaskRow.id).with_for_update())
        if _may_work(before, task) and not _may_work(after, task)
    ]
    if stranded and not release_claims:
        raise ClaimsHeld(
            after.name, [HeldTask(t.id, t.case_id, t.title, t.office) for t in stranded]
        )
    for task in stranded:
        task.assignee = None


def _may_work(user: User, task: TaskRow) -> bool:
    return user.active and user.actor.sees(task.office) and user.actor.may_act_at(task.desk)
