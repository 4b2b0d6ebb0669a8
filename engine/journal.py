"""The journal: every external input to a case, hash-chained per case.

Events are encoded canonically (sorted keys, no NaN, UTC timestamps) and
each event's hash covers its content and the previous event's hash, so an
edited, deleted, inserted or reordered event breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "FORMAT_VERSION",
    "GENESIS_HASH",
    "EventKind",
    "JournalEvent",
    "canonical_json",
    "event_hash",
    "sha256_hex",
    "upcast",
    "utc_iso",
]

FORMAT_VERSION = 1
GENESIS_HASH = "0" * 64


class EventKind(StrEnum):
    """What kind of input an event records."""

    CASE_STARTED = "case_started"
    TASK_COMPLETED = "task_completed"
    MESSAGE_RECEIVED = "message_received"
    TIMER_FIRED = "timer_fired"
    CASE_WITHDRAWN = "case_withdrawn"
    DATA_CORRECTED = "data_corrected"
    CASE_MIGRATED = "case_migrated"


def canonical_json(value: Any) -> bytes:
    """Encode `value` the one way the journal hashes it."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """SHA-256 of `data`, hex."""
    return hashlib.sha256(data).hexdigest()


def utc_iso(when: datetime) -> str:
    """`when` in UTC to the microsecond, as the hashed records write it."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class JournalEvent:
    """One recorded input and the state digest it led to."""

    case_id: int
    seq: int
    kind: EventKind
    recorded_at: datetime
    actor: str
    desk: str | None
    task_ref: str | None
    payload: dict[str, Any]
    state_digest: str
    prev_hash: str
    hash: str
    format_version: int = FORMAT_VERSION

    def content(self) -> dict[str, Any]:
        """The hashed content of the event (everything but its own hash)."""
        return {
            "case_id": self.case_id,
            "seq": self.seq,
            "kind": str(self.kind),
            "format_version": self.format_version,
            "recorded_at": utc_iso(self.recorded_at),
            "actor": self.actor,
            "desk": self.desk,
            "task_ref": self.task_ref,
            "payload": self.payload,
            "state_digest": self.state_digest,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form, hash fields included."""
        return {**self.content(), "prev_hash": self.prev_hash, "hash": self.hash}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> JournalEvent:
        """The event `to_dict` (or a journal row) describes; `recorded_at` ISO text or datetime."""
        recorded_at = raw["recorded_at"]
        return cls(
            case_id=raw["case_id"],
            seq=raw["seq"],
            kind=EventKind(raw["kind"]),
            recorded_at=(
                datetime.fromisoformat(recorded_at) if isinstance(recorded_at, str) else recorded_at
            ),
            actor=raw["actor"],
            desk=raw["desk"],
            task_ref=raw["task_ref"],
            payload=raw["payload"],
            state_digest=raw["state_digest"],
            prev_hash=raw["prev_hash"],
            hash=raw["hash"],
            format_version=raw["format_version"],
        )

    def chained(self, prev_hash: str) -> JournalEvent:
        """This event placed after `prev_hash`: the same content, its chain hash recomputed."""
        linked = replace(self, prev_hash=prev_hash, hash="")
        return replace(linked, hash=event_hash(prev_hash, linked.content()))


def event_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """The chain hash of an event: previous hash plus canonical content."""
    return sha256_hex(prev_hash.encode("ascii") + b"\n" + canonical_json(content))


def upcast(kind: str, format_version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Bring an older event payload to the current format (one place for all)."""
    if format_version > FORMAT_VERSION:
        raise ValueError(f"journal event format {format_version} is newer than this engine")
    return payload
