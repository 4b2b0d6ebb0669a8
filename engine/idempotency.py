"""Idempotency keys: the same client request twice changes a case once.

A key is kept in the same transaction as the event its request caused, so a
retry either finds it (and gets the case) or was never applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import Conflict, ValidationFailed
from engine.journal import sha256_hex
from engine.store.models import IdempotencyKey
from engine.views import Actor

__all__ = ["Request", "keep", "kept_case"]


@dataclass(frozen=True)
class Request:
    """A client request carrying an idempotency key."""

    key: str
    actor: str
    digest: str

    @classmethod
    def of(
        cls, key: str | None, actor: Actor, action: str, target: Any, data: Any
    ) -> Request | None:
        """The request fingerprinted (action, target, data), or None without a key.

        Raises:
            ValidationFailed: a key that is empty or over 200 characters.
        """
        if key is None:
            return None
        if not 1 <= len(key) <= 200:
            raise ValidationFailed({"idempotency_key": ["1 to 200 characters"]})
        body = json.dumps([action, target, data], sort_keys=True, default=_fingerprint)
        return cls(key, actor.name, sha256_hex(body.encode()))

    def check(self, kept: IdempotencyKey) -> None:
        """Refuse a key kept for another actor or another request (Conflict)."""
        if kept.request_hash != self.digest or kept.actor != self.actor:
            raise Conflict(f"idempotency key {self.key!r} was used for another request")


def _fingerprint(value: Any) -> str:
    digest = getattr(value, "sha256", None)
    return str(digest) if digest is not None else repr(value)


def kept_case(session: Session, request: Request) -> int | None:
    """The case this request already changed, or None.

    Raises:
        Conflict: the key was used by another actor or for another request.
    """
    kept = session.get(IdempotencyKey, request.key)
    if kept is None:
        return None
    request.check(kept)
    return kept.case_id


def keep(session: Session, request: Request | None, case_id: int, now: datetime) -> None:
    """Remember the request with the change it made (same transaction)."""
    if request is not None:
        session.add(
            IdempotencyKey(
                key=request.key,
                actor=request.actor,
                request_hash=request.digest,
                case_id=case_id,
                created_at=now,
            )
        )
        session.flush()
