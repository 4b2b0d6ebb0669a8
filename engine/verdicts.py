"""What the auditor's checks conclude, computed without a database.

The verdict types (`Verification`, `Divergence`, `CaseReplay`), the hash-chain, replay
and checkpoint checks, the what-if comparison of two versions, and the verification of
an exported history. `engine.audit.Auditor` reads the database and calls these.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.definitions import ProcessBundle
from engine.errors import EngineError
from engine.journal import GENESIS_HASH, EventKind, JournalEvent, canonical_json, event_hash
from engine.state import CaseState
from engine.transplant import Loader, Replayer, export_loader
from engine.values import JsonValue

__all__ = [
    "EXPORT_FORMAT",
    "CaseReplay",
    "Divergence",
    "Verification",
    "checkpoint_problems",
    "chain_problems",
    "differences",
    "replay_problems",
    "signature_ok",
    "verify_export",
    "what_if",
]

EXPORT_FORMAT = "ltsa-case-export/1"


@dataclass(frozen=True)
class Verification(JsonValue):
    """The verdict on one case's history."""

    case_id: int
    intact: bool
    first_bad_event: int | None = None
    problems: tuple[str, ...] = ()
    events: int = 0


@dataclass(frozen=True)
class Divergence:
    """Where replaying against another version first behaved differently."""

    seq: int
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseReplay(JsonValue):
    """The state of a case after event `seq`, and what changed at that event."""

    case_id: int
    seq: int
    events: int
    event: dict[str, Any] | None
    status: str
    data: dict[str, Any]
    changed: dict[str, dict[str, Any]]
    ready_tasks: tuple[str, ...]
    path: tuple[str, ...]
    active: tuple[str, ...]
    version: int
    against: int | None = None
    divergence: Divergence | None = None


def chain_problems(case_id: int, events: Sequence[JournalEvent]) -> tuple[int | None, list[str]]:
    """Check numbering and hashes; return the first bad seq and the problems."""
    previous = GENESIS_HASH
    for position, event in enumerate(events, start=1):
        if event.case_id != case_id:
            return position, [f"event {position} belongs to case {event.case_id}"]
        if event.seq != position:
            return position, [f"event {position} is numbered {event.seq} (deleted or reordered)"]
        if event.prev_hash != previous:
            return position, [f"event {position} does not follow event {position - 1}"]
        if event_hash(event.prev_hash, event.content()) != event.hash:
            return position, [f"event {position} was altered after it was written"]
        previous = event.hash
    return None, []


def replay_problems(
    loader: Loader, first_version: int, events: Sequence[JournalEvent]
) -> tuple[int | None, list[str], CaseState | None]:
    """Replay every event from scratch (across migrations); the first mismatch is reported."""
    replayer = Replayer(loader, first_version)
    for event in events:
        try:
            problem = replayer.feed(event)
        except EngineError as exc:
            return event.seq, [f"event {event.seq} does not replay: {exc}"], None
        if problem is not None:
            return event.seq, [problem], None
        if replayer.state is None or replayer.state.digest() != event.state_digest:
            return event.seq, [f"event {event.seq}: replayed state differs from the record"], None
    return None, [], replayer.state


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Changed fields; a field that was (or became) absent says so, unlike one set to null."""
    changed: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        if key not in before or key not in after or before[key] != after[key]:
            change = {"before": before.get(key), "after": after.get(key)}
            if key not in before:
                change["absent"] = "before"
            elif key not in after:
                change["absent"] = "after"
            changed[key] = change
    return changed


def signature_ok(document: dict[str, Any], expected_key: str | None = None) -> bool:
    """Tell whether a signed document verifies (with `expected_key`, if given)."""
    body = {k: v for k, v in document.items() if k not in ("public_key", "signature")}
    try:
        key = serialization.load_pem_public_key(document["public_key"].encode())
        if not isinstance(key, Ed25519PublicKey):
            return False
        if expected_key is not None and document["public_key"].strip() != expected_key.strip():
            return False
        key.verify(base64.b64decode(document["signature"]), canonical_json(body))
    except (KeyError, ValueError, TypeError, InvalidSignature):
        return False
    return True


def checkpoint_problems(
    case_id: int, events: Sequence[JournalEvent], checkpoint: dict[str, Any]
) -> tuple[int | None, list[str]]:
    """Compare a journal with the head a signed checkpoint saw; return the first bad seq."""
    head = checkpoint["cases"].get(str(case_id))
    if head is None:
        return None, []
    length, head_hash = int(head[0]), str(head[1])
    if len(events) < length:
        return len(events) + 1, [
            f"the checkpoint of {checkpoint['created_at']} saw {length} events; "
            f"{length - len(events)} are missing at the end"
        ]
    if events[length - 1].hash != head_hash:
        return length, [f"event {length} differs from the signed checkpoint"]
    return None, []


def what_if(
    loader: Loader, first_version: int, other: ProcessBundle, events: Sequence[JournalEvent]
) -> Divergence | None:
    """Feed the same inputs to the case as it ran and to `other`; the first event that differs."""
    live, alternative = Replayer(loader, first_version), CaseState.new(other)
    for event in events:
        live.feed(event)
        assert live.state is not None
        if event.kind is EventKind.CASE_MIGRATED:
            continue  # not an input: the case as it ran moved, the alternative stays
        try:
            alternative.apply(event.kind, event.recorded_at, event.task_ref, event.payload)
        except EngineError as exc:
            return Divergence(
                event.seq,
                f"event {event.seq} ({event.kind}) cannot happen on the other version: {exc}",
                {"task_ref": event.task_ref},
            )
        ours, theirs = live.state.projection(), alternative.projection()
        if ours != theirs:
            return Divergence(event.seq, _explain(ours, theirs), _detail(ours, theirs))
    return None


def _detail(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    our_tasks, their_tasks = (
        {t[0]: t[1] for t in ours["tasks"]},
        {t[0]: t[1] for t in theirs["tasks"]},
    )
    return {
        "status": {"recorded": ours["status"], "other": theirs["status"]},
        "data": differences(ours["data"], theirs["data"]),
        "tasks_only_recorded": sorted(set(our_tasks) - set(their_tasks)),
        "tasks_only_other": sorted(set(their_tasks) - set(our_tasks)),
        "tasks_in_other_state": sorted(
            ref for ref in set(our_tasks) & set(their_tasks) if our_tasks[ref] != their_tasks[ref]
        ),
    }


def _explain(ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    detail = _detail(ours, theirs)
    parts = []
    if ours["status"] != theirs["status"]:
        parts.append(f"the case would be {theirs['status']} instead of {ours['status']}")
    if detail["tasks_only_other"]:
        parts.append("tasks that would exist: " + ", ".join(detail["tasks_only_other"]))
    if detail["tasks_only_recorded"]:
        parts.append("tasks that would not exist: " + ", ".join(detail["tasks_only_recorded"]))
    if detail["data"]:
        parts.append("data that would differ: " + ", ".join(detail["data"]))
    return "; ".join(parts) or "the state would differ"


def verify_export(document: dict[str, Any], expected_key: str | None = None) -> Verification:
    """Verify an exported case history without any database."""
    case_id = int(document.get("case", {}).get("id", 0))
    case_version = int(document.get("case", {}).get("version", 1))
    if document.get("format") != EXPORT_FORMAT:
        return Verification(case_id, False, None, ("not an LTSA case export",))
    if not signature_ok(document, expected_key):
        return Verification(case_id, False, None, ("the export's signature does not verify",))
    events = [JournalEvent.from_dict(e) for e in document["events"]]
    bad, problems = chain_problems(case_id, events)
    if bad is None:
        bad, problems, _ = replay_problems(export_loader(document), case_version, events)
    return Verification(case_id, bad is None, bad, tuple(problems), len(events))
