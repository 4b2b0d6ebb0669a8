"""Signing in: wrong passwords counted in the database, per account and per address.

Only failures count, so twenty officers of one office signing in at eight
from one address all get in. Five wrong passwords in a row lock the account
for 15 minutes from any address (`engine.users`); many failures from one
address block that address until the end of the current window. Both are
rows in the database, so every web process sees the same counts. The caller
learns when it may try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.ratelimits import RateLimits
from engine.store.models import UserRow
from engine.users import User

if TYPE_CHECKING:
    from engine.cases import Engine

__all__ = ["Logins", "SignIn"]

_SCOPE = "login-failures"


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in: the user, or why not and until when."""

    user: User | None
    refused: str | None = None  # "wrong" | "locked" | "address"
    retry_at: datetime | None = None


class Logins:
    """Sign-ins with failure counts shared by every web process."""

    def __init__(self, engine: Engine, failures_per_address: int, window_seconds: int) -> None:
        self.users = engine.users
        self.db = engine.db
        self.clock = engine.clock
        self.limits = RateLimits(engine.db, engine.clock)
        self.failures_per_address = failures_per_address
        self.window = window_seconds

    def sign_in(self, name: str, password: str, address: str) -> SignIn:
        """Check a password, counting it against the account and the address if wrong."""
        if self.limits.count(_SCOPE, address, self.window) >= self.failures_per_address:
            return SignIn(None, "address", self.limits.window_end(self.window))
        user = self.users.authenticate(name, password) if name and password else None
        if user is not None:
            return SignIn(user)
        self.limits.hit(_SCOPE, address, self.failures_per_address, self.window)
        locked = self._locked_until(name)
        if locked is not None:
            return SignIn(None, "locked", locked)
        return SignIn(None, "wrong")

    def _locked_until(self, name: str) -> datetime | None:
        with self.db.engine.connect() as connection:
            until = connection.execute(
                select(UserRow.locked_until).where(UserRow.name == name)
            ).scalar_one_or_none()
        return until if until is not None and until > self.clock.now() else None
