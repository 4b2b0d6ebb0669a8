"""A worker's own data and the record of its processing (UU 27/2022 art. 32).

`subject_export` gathers every case held under one NIK: its data, its
documents, every input the journal recorded (who processed it) and every
read the access record holds (who looked), and signs the whole. The export
itself is a read of each case and is recorded before it is written, so it
appears in the record it carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.access import AccessKind, AccessLog
from engine.audit import Auditor
from engine.errors import NotFound, ValidationFailed
from engine.reading import Reader
from engine.store.db import Database
from engine.store.models import CaseRow
from engine.views import Actor

__all__ = ["SUBJECT_FORMAT", "SubjectExports"]

SUBJECT_FORMAT = "ltsa-subject-export/1"


def _documents(value: Any, field: str = "") -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if isinstance(value.get("sha256"), str) and "name" in value:
            yield {
                "field": field,
                "name": value.get("name"),
                "sha256": value["sha256"],
                "media_type": value.get("media_type"),
            }
            return
        for key, inner in value.items():
            yield from _documents(inner, key)


class SubjectExports:
    """Builds the signed export of one worker's data."""

    def __init__(self, db: Database, reader: Reader, auditor: Auditor, access: AccessLog) -> None:
        self.db = db
        self.reader = reader
        self.auditor = auditor
        self.access = access

    def export(
        self, nik: str, actor: Actor, now: datetime, address: str | None = None
    ) -> dict[str, Any]:
        """Every case of `nik`, its documents, its journal and its reads; signed.

        Raises:
            ValidationFailed: `nik` is not 16 digits.
            NotFound: no case holds this NIK.
        """
        nik = nik.strip()
        if len(nik) != 16 or not nik.isdigit():
            raise ValidationFailed({"nik": ["a NIK has 16 digits"]})
        with self.db.session() as session:
            ids = list(
                session.scalars(select(CaseRow.id).where(CaseRow.nik == nik).order_by(CaseRow.id))
            )
        if not ids:
            raise NotFound("no case holds this NIK")
        for case_id in ids:
            self.access.record(actor, case_id, AccessKind.SUBJECT_EXPORT, address=address)
        cases = []
        for case_id in ids:
            case = self.reader.get_case(case_id)
            events = self.reader.history(case_id)
            documents: dict[tuple[str, str], dict[str, Any]] = {}
            for ref in _documents(case.data):
                documents.setdefault((ref["field"], ref["sha256"]), ref)
            for event in events:
                for ref in _documents(event.payload.get("data") or {}):
                    documents.setdefault((ref["field"], ref["sha256"]), ref)
            cases.append(
                {
                    "id": case.id,
                    "process": case.process_key,
                    "version": case.version,
                    "status": case.status,
                    "rejection_reason": case.rejection_reason,
                    "created_at": case.created_at.isoformat(),
                    "updated_at": case.updated_at.isoformat(),
                    "data": case.data,
                    "documents": list(documents.values()),
                    "processing": [
                        {
                            "seq": e.seq,
                            "kind": str(e.kind),
                            "recorded_at": e.recorded_at.isoformat(),
                            "actor": e.actor,
                            "desk": e.desk,
                            "task_ref": e.task_ref,
                            "fields": sorted((e.payload.get("data") or {}).keys())
                            if isinstance(e.payload.get("data"), dict)
                            else [],
                        }
                        for e in events
                    ],
                    "reads": [a.to_dict() for a in self.access.for_case(case_id)],
                }
            )
        document = {
            "format": SUBJECT_FORMAT,
            "nik": nik,
            "exported_at": now.isoformat(),
            "exported_by": actor.name,
            "cases": cases,
        }
        return self.auditor.sign(document)
