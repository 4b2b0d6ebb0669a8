"""The auditor's tools: verify, replay, what-if, signed checkpoints and exports.

The checks themselves, and the verdict types, are in `engine.verdicts`; this module
reads the database, holds the signing key and writes the signed records.

Verification recomputes each case's hash chain, checks the case row and the
latest signed checkpoint against it, and replays the journal from the stored
definition version, comparing the state digest after every event. A journal
that fails is reported, never rewritten.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import ProcessBundle
from engine.errors import EngineError, NotFound, known_id
from engine.journal import JournalEvent, canonical_json, sha256_hex
from engine.keyfiles import stored_bytes
from engine.reading import event_from_row
from engine.state import CaseState, LoadedVersion
from engine.store.db import Database
from engine.store.models import CaseRow, DefinitionFile, EventRow, ProcessVersionRow, SnapshotRow
from engine.transplant import Loader, Replayer, versions_run
from engine.verdicts import (
    EXPORT_FORMAT,
    CaseReplay,
    Divergence,
    Verification,
    chain_problems,
    checkpoint_problems,
    differences,
    replay_problems,
    signature_ok,
    verify_export,
    what_if,
)

__all__ = [
    "Auditor",
    "CaseReplay",
    "Divergence",
    "Verification",
    "signature_ok",
    "verify_export",
    "what_if",
]

CHECKPOINT_FORMAT = "ltsa-checkpoint/1"


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

    def loader(self, session: Session, key: str) -> Loader:
        """Versions of process `key` by number, as a replay across migrations needs them."""
        cache: dict[int, LoadedVersion] = {}

        def load(version: int) -> LoadedVersion:
            if version not in cache:
                row_id = session.scalars(
                    select(ProcessVersionRow.id).where(
                        ProcessVersionRow.key == key, ProcessVersionRow.version == version
                    )
                ).first()
                if row_id is None:
                    raise NotFound(f"{key} version {version} is not deployed")
                cache[version] = self._loaded_for(session, row_id)
            return cache[version]

        return load

    def _version_number(self, session: Session, version_id: int) -> int:
        row = session.get(ProcessVersionRow, version_id)
        assert row is not None
        return row.version

    # --- keys and checkpoints ------------------------------------------------

    def _private_key(self) -> Ed25519PrivateKey:
        path = self.dir / "ed25519.pem"
        pem = stored_bytes(path, _new_private_key)  # processes starting together share one
        loaded = serialization.load_pem_private_key(pem, password=None)
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
            if signature_ok(document, self.public_key_pem()):
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
            bad, problems = chain_problems(case_id, events)
            if bad is None:
                bad, problems = self._row_problems(case, events)
            if bad is None and checkpoint is not None:
                bad, problems = checkpoint_problems(case_id, events, checkpoint)
            if bad is None:
                bundle = self._bundle_for(session, case.process_version_id)
                bad, problems, state = replay_problems(
                    self.loader(session, case.process_key),
                    self._version_number(session, case.process_version_id),
                    events,
                )
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
            restored = CaseState.from_json(snapshot.state, loaded.bundle)
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
            loader = self.loader(session, case.process_key)
            first = self._version_number(session, case.process_version_id)
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
            replayer = Replayer(loader, first)
            before: dict[str, Any] = {}
            for event in events[:last]:
                before = replayer.state.data() if replayer.state is not None else {}
                replayer.feed(event)
            divergence = what_if(loader, first, other, events) if other is not None else None
            state = replayer.state or CaseState.new(loader(first).bundle)
        return CaseReplay(
            case_id=case_id,
            seq=last,
            events=len(events),
            event=events[last - 1].to_dict() if last else None,
            status=state.status,
            data=state.data(),
            changed=differences(before, state.data()) if last else {},
            ready_tasks=tuple(t.ref for t in state.ready_tasks()),
            path=tuple(state.path()),
            active=tuple(state.active_elements()),
            version=replayer.version,
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
            files = _encoded_files(session, version)
            journal = self._events(session, case_id)
            events = [e.to_dict() for e in journal]
            ran_on = versions_run(journal)
            earlier = {}
            if len(ran_on) > 1:  # a migrated case: every version it ran on, for offline replay
                for number in ran_on:
                    row = session.scalars(
                        select(ProcessVersionRow).where(
                            ProcessVersionRow.key == case.process_key,
                            ProcessVersionRow.version == number,
                        )
                    ).one()
                    earlier[str(number)] = _encoded_files(session, row)
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
        if earlier:
            document["versions"] = earlier
        return self._sign(document)


def _encoded_files(session: Session, version: ProcessVersionRow) -> dict[str, str]:
    files = {}
    for entry in version.files:
        stored = session.get(DefinitionFile, entry["sha256"])
        assert stored is not None
        files[entry["name"]] = base64.b64encode(stored.content).decode()
    return files


def _new_private_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
