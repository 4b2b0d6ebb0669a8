"""The auditor's tools: verify, replay, what-if, signed checkpoints and exports.

Verification recomputes each case's hash chain, checks the case row and the
latest signed checkpoint against it, and replays the journal from the stored
definition version, comparing the state digest after every event. A journal
that fails is reported, never rewritten.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import ProcessBundle, SourceFile, parse_bundle
from engine.errors import EngineError, NotFound, known_id
from engine.journal import (
    GENESIS_HASH,
    EventKind,
    JournalEvent,
    canonical_json,
    event_hash,
    sha256_hex,
)
from engine.reading import event_from_row
from engine.state import CaseState, LoadedVersion
from engine.store.db import Database
from engine.store.models import CaseRow, DefinitionFile, EventRow, ProcessVersionRow, SnapshotRow

__all__ = [
    "Auditor",
    "CaseReplay",
    "Divergence",
    "Verification",
    "signature_ok",
    "verify_export",
]

EXPORT_FORMAT = "ltsa-case-export/1"
CHECKPOINT_FORMAT = "ltsa-checkpoint/1"


@dataclass(frozen=True)
class Verification:
    """The verdict on one case's history."""

    case_id: int
    intact: bool
    first_bad_event: int | None = None
    problems: tuple[str, ...] = ()
    events: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {
            "case_id": self.case_id,
            "intact": self.intact,
            "first_bad_event": self.first_bad_event,
            "problems": list(self.problems),
            "events": self.events,
        }


@dataclass(frozen=True)
class Divergence:
    """Where replaying against another version first behaved differently."""

    seq: int
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseReplay:
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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {
            "case_id": self.case_id,
            "seq": self.seq,
            "events": self.events,
            "event": self.event,
            "status": self.status,
            "data": self.data,
            "changed": self.changed,
            "ready_tasks": list(self.ready_tasks),
            "path": list(self.path),
            "active": list(self.active),
            "version": self.version,
            "against": self.against,
            "divergence": None
            if self.divergence is None
            else {
                "seq": self.divergence.seq,
                "reason": self.divergence.reason,
                "details": self.divergence.details,
            },
        }


def _chain_problems(case_id: int, events: Sequence[JournalEvent]) -> tuple[int | None, list[str]]:
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


def _replay_problems(
    bundle: ProcessBundle, events: Sequence[JournalEvent]
) -> tuple[int | None, list[str], CaseState | None]:
    """Replay every event from scratch; the first digest mismatch is reported."""
    state = CaseState.new(bundle)
    for event in events:
        try:
            state.apply(event.kind, event.recorded_at, event.task_ref, event.payload)
        except EngineError as exc:
            return event.seq, [f"event {event.seq} does not replay: {exc}"], None
        if state.digest() != event.state_digest:
            return event.seq, [f"event {event.seq}: replayed state differs from the record"], None
    return None, [], state


def _differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
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


class Auditor:
    """Verification, replay and signed records over one engine's database."""

    def __init__(
        self,
        db: Database,
        data_dir: Path,
        loaded_for: Callable[[Session, int], LoadedVersion],
    ) -> None:
        self.db = db
        self.dir = data_dir / "audit"
        self._loaded_for = loaded_for

    def _bundle_for(self, session: Session, version_id: int) -> ProcessBundle:
        return self._loaded_for(session, version_id).bundle

    # --- keys and checkpoints ------------------------------------------------

    def _private_key(self) -> Ed25519PrivateKey:
        path = self.dir / "ed25519.pem"
        if not path.exists():
            self.dir.mkdir(parents=True, exist_ok=True)
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise EngineError(f"{path} is not an Ed25519 key")
        return loaded

    def public_key_pem(self) -> str:
        """The installation's public verification key (PEM)."""
        return (
            self._private_key()
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        """`document` with the installation's public key and Ed25519 signature added."""
        return self._sign(document)

    def _sign(self, document: dict[str, Any]) -> dict[str, Any]:
        signature = self._private_key().sign(canonical_json(document))
        return {
            **document,
            "public_key": self.public_key_pem(),
            "signature": base64.b64encode(signature).decode(),
        }

    def checkpoint(self, now: datetime, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Sign the head hash and length of every case's journal; store the file.

        `extra` adds other signed heads (the access record's chains by day).
        """
        with self.db.session() as session:
            heads = {
                str(case_id): [revision, head]
                for case_id, revision, head in session.execute(
                    select(CaseRow.id, CaseRow.revision, CaseRow.head_hash).order_by(CaseRow.id)
                )
            }
        document = {
            "format": CHECKPOINT_FORMAT,
            "created_at": now.isoformat(),
            "cases": heads,
            "root": sha256_hex(canonical_json(heads)),
            **(extra or {}),
        }
        signed = self._sign(document)
        folder = self.dir / "checkpoints"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
        (folder / f"{stamp}.json").write_text(json.dumps(signed, indent=1), encoding="utf-8")
        return signed

    def latest_checkpoint(self) -> dict[str, Any] | None:
        """The newest checkpoint whose signature verifies, or None."""
        folder = self.dir / "checkpoints"
        if not folder.is_dir():
            return None
        for path in sorted(folder.glob("*.json"), reverse=True):
            document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if _signature_ok(document, self.public_key_pem()):
                return document
            raise EngineError(f"checkpoint {path.name} has a bad signature")
        return None

    # --- verification --------------------------------------------------------

    def verify(self, case_id: int) -> Verification:
        """Chain, case row, checkpoint, snapshot and replay of one case."""
        known_id(case_id, "case")
        try:
            checkpoint = self.latest_checkpoint()
        except EngineError as exc:
            return Verification(case_id, False, None, (str(exc),))
        with self.db.session() as session:
            case = session.get(CaseRow, case_id)
            if case is None:
                if checkpoint and str(case_id) in checkpoint["cases"]:
                    return Verification(case_id, False, 1, ("the case was deleted",))
                raise NotFound(f"case {case_id} does not exist")
            events = self._events(session, case_id)
            bad, problems = _chain_problems(case_id, events)
            if bad is None:
                bad, problems = self._row_problems(case, events)
            if bad is None and checkpoint is not None:
                bad, problems = _checkpoint_problems(case_id, events, checkpoint)
            if bad is None:
                bundle = self._bundle_for(session, case.process_version_id)
                bad, problems, state = _replay_problems(bundle, events)
                if bad is None and state is not None:
                    bad, problems = self._snapshot_problems(session, case, bundle, events)
            return Verification(case_id, bad is None, bad, tuple(problems), len(events))

    def verify_all(self) -> Iterator[Verification]:
        """Verify every case, and notice cases a checkpoint knew that are gone."""
        checkpoint = self.latest_checkpoint()
        with self.db.session() as session:
            ids = list(session.scalars(select(CaseRow.id).order_by(CaseRow.id)))
        for case_id in ids:
            yield self.verify(case_id)
        if checkpoint is not None:
            for missing in sorted(set(map(int, checkpoint["cases"])) - set(ids)):
                yield Verification(missing, False, 1, ("the case was deleted",))

    @staticmethod
    def _events(session: Session, case_id: int) -> list[JournalEvent]:
        rows = session.scalars(
            select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq, EventRow.id)
        ).all()
        return [event_from_row(r) for r in rows]

    @staticmethod
    def _row_problems(
        case: CaseRow, events: Sequence[JournalEvent]
    ) -> tuple[int | None, list[str]]:
        if not events:
            return 1, ["the case has no journal"]
        last = events[-1]
        if case.revision != last.seq or case.head_hash != last.hash:
            seq = min(case.revision, last.seq) + 1
            return seq, [
                f"the case is at revision {case.revision} but its journal ends at event {last.seq}"
            ]
        if case.state_digest != last.state_digest:
            return last.seq, [f"the case row's state differs from event {last.seq}"]
        return None, []

    def _snapshot_problems(
        self,
        session: Session,
        case: CaseRow,
        bundle: ProcessBundle,
        events: Sequence[JournalEvent],
    ) -> tuple[int | None, list[str]]:
        snapshot = session.get(SnapshotRow, case.id)
        if snapshot is None:
            return None, []
        if not 1 <= snapshot.seq <= len(events):
            return snapshot.seq, [f"the stored workflow claims event {snapshot.seq}"]
        recorded = events[snapshot.seq - 1].state_digest
        try:
            loaded = self._loaded_for(session, case.process_version_id)
            restored = CaseState.from_json(snapshot.state, loaded.bundle, loaded.spec_dicts)
            digest = restored.digest()
        except Exception as exc:  # noqa: BLE001 - a corrupted snapshot is a finding, not a crash
            return snapshot.seq, [
                f"the stored workflow after event {snapshot.seq} cannot be restored "
                f"({type(exc).__name__}): damaged, or written by an incompatible engine"
            ]
        if digest != recorded or snapshot.state_digest != recorded:
            return snapshot.seq, [
                f"the stored workflow after event {snapshot.seq} was altered without an event"
            ]
        return None, []

    # --- replay ----------------------------------------------------------------

    def replay(self, case_id: int, to: int | None = None, against: int | None = None) -> CaseReplay:
        """State after event `to` (default: the last); optionally against another version."""
        known_id(case_id, "case")
        with self.db.session() as session:
            case = session.get(CaseRow, case_id)
            if case is None:
                raise NotFound(f"case {case_id} does not exist")
            events = self._events(session, case_id)
            version = session.get(ProcessVersionRow, case.process_version_id)
            assert version is not None
            bundle = self._bundle_for(session, case.process_version_id)
            other = None
            if against is not None:
                row = session.scalars(
                    select(ProcessVersionRow).where(
                        ProcessVersionRow.key == case.process_key,
                        ProcessVersionRow.version == against,
                    )
                ).first()
                if row is None:
                    raise NotFound(f"{case.process_key} version {against} is not deployed")
                other = self._bundle_for(session, row.id)
        last = len(events) if to is None else to
        if not 0 <= last <= len(events):
            raise NotFound(f"case {case_id} has events 1 to {len(events)}, not {last}")
        state = CaseState.new(bundle)
        before: dict[str, Any] = {}
        for event in events[:last]:
            before = state.data()
            state.apply(event.kind, event.recorded_at, event.task_ref, event.payload)
        divergence = _what_if(bundle, other, events) if other is not None else None
        return CaseReplay(
            case_id=case_id,
            seq=last,
            events=len(events),
            event=events[last - 1].to_dict() if last else None,
            status=state.status,
            data=state.data(),
            changed=_differences(before, state.data()) if last else {},
            ready_tasks=tuple(t.ref for t in state.ready_tasks()),
            path=tuple(state.path()),
            active=tuple(state.active_elements()),
            version=version.version,
            against=against,
            divergence=divergence,
        )

    # --- export ------------------------------------------------------------------

    def export(self, case_id: int, now: datetime) -> dict[str, Any]:
        """A signed, self-contained history: events, definition sources, document hashes."""
        known_id(case_id, "case")
        with self.db.session() as session:
            case = session.get(CaseRow, case_id)
            if case is None:
                raise NotFound(f"case {case_id} does not exist")
            version = session.get(ProcessVersionRow, case.process_version_id)
            assert version is not None
            files = {}
            for entry in version.files:
                stored = session.get(DefinitionFile, entry["sha256"])
                assert stored is not None
                files[entry["name"]] = base64.b64encode(stored.content).decode()
            events = [e.to_dict() for e in self._events(session, case_id)]
        documents = sorted(
            {
                value["sha256"]
                for event in events
                for value in (event["payload"].get("data") or {}).values()
                if isinstance(value, dict) and "sha256" in value
            }
        )
        document = {
            "format": EXPORT_FORMAT,
            "exported_at": now.isoformat(),
            "case": {
                "id": case_id,
                "process": case.process_key,
                "version": version.version,
                "content_hash": version.content_hash,
                "status": case.status,
            },
            "definitions": files,
            "events": events,
            "documents": documents,
        }
        return self._sign(document)


def signature_ok(document: dict[str, Any], expected_key: str | None = None) -> bool:
    """Whether a signed document's Ed25519 signature verifies (against `expected_key`)."""
    return _signature_ok(document, expected_key)


def _signature_ok(document: dict[str, Any], expected_key: str | None = None) -> bool:
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


def _checkpoint_problems(
    case_id: int, events: Sequence[JournalEvent], checkpoint: dict[str, Any]
) -> tuple[int | None, list[str]]:
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


def _what_if(
    original: ProcessBundle, other: ProcessBundle, events: Sequence[JournalEvent]
) -> Divergence | None:
    """Feed the same inputs to both versions; report the first event that differs."""
    live, alternative = CaseState.new(original), CaseState.new(other)
    for event in events:
        live.apply(event.kind, event.recorded_at, event.task_ref, event.payload)
        try:
            alternative.apply(event.kind, event.recorded_at, event.task_ref, event.payload)
        except EngineError as exc:
            return Divergence(
                event.seq,
                f"event {event.seq} ({event.kind}) cannot happen on the other version: {exc}",
                {"task_ref": event.task_ref},
            )
        ours, theirs = live.projection(), alternative.projection()
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
        "data": _differences(ours["data"], theirs["data"]),
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
    if document.get("format") != EXPORT_FORMAT:
        return Verification(case_id, False, None, ("not an LTSA case export",))
    if not _signature_ok(document, expected_key):
        return Verification(case_id, False, None, ("the export's signature does not verify",))
    events = [
        JournalEvent(
            case_id=e["case_id"],
            seq=e["seq"],
            kind=EventKind(e["kind"]),
            recorded_at=datetime.fromisoformat(e["recorded_at"]),
            actor=e["actor"],
            desk=e["desk"],
            task_ref=e["task_ref"],
            payload=e["payload"],
            state_digest=e["state_digest"],
            prev_hash=e["prev_hash"],
            hash=e["hash"],
            format_version=e["format_version"],
        )
        for e in document["events"]
    ]
    bad, problems = _chain_problems(case_id, events)
    if bad is None:
        files = [SourceFile(n, base64.b64decode(c)) for n, c in document["definitions"].items()]
        bundle = parse_bundle(document["case"]["process"], files)
        bad, problems, _ = _replay_problems(bundle, events)
    return Verification(case_id, bad is None, bad, tuple(problems), len(events))
