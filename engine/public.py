"""The public side of the engine: what anyone may ask without an account.

Built on the `Engine` facade: the requirements derived from the deployed
definitions, complaints filed online, and look-ups by tracking code that
answer only the step, the desk and the missing documents (a placement case)
or the status and resolution (a complaint). Every failed look-up raises the
same `NotFound`, whatever was wrong.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import forms
from engine.access import AccessKind
from engine.cases import Engine
from engine.errors import NotFound, ValidationFailed
from engine.offices import DEFAULT_OFFICE
from engine.ratelimits import RateLimits
from engine.registry import Registry
from engine.requirements import Requirements, derive_requirements
from engine.tracking import TrackingCodes
from engine.views import Actor, CaseView, Role

__all__ = ["COMPLAINT_PROCESS", "CaseProgress", "ComplaintStatus", "LinkedComplaint", "PublicDesk"]

PLACEMENT_PROCESS = "ltsa_placement"
COMPLAINT_PROCESS = "pengaduan"
INTAKE_TASK = "isi_pengaduan"
#: The complaint form's own field: the office the complaint goes to (not case data).
OFFICE_FIELD = "office"
ONLINE = Actor("publik:daring", Role.OFFICER, ("pengaduan",))
_NOT_FOUND = "nothing matches this tracking code (and birth date)"


@dataclass(frozen=True)
class CaseProgress:
    """Where a placement case stands: nothing but its step, desk and missing documents."""

    steps: tuple[str, ...]
    desks: tuple[str, ...]
    missing_documents: tuple[str, ...]
    finished: bool


@dataclass(frozen=True)
class ComplaintStatus:
    """A complaint as its complainant reads it: never who filed it."""

    tracking_code: str
    status: str
    category: str
    filed_on: str
    resolution: str
    closed_on: str


@dataclass(frozen=True)
class LinkedComplaint:
    """A complaint naming a worker, as officers and auditors see it on the worker's case."""

    case_id: int
    category: str
    status: str
    filed_on: str


# who reads when a worker checks their own case with its tracking code and birth date
SUBJECT = Actor("subjek data", "subject")


class PublicDesk:
    """Requirements, complaints and tracking-code look-ups for the public."""

    #: the complaint form's field naming the office (`complaint_form`), not case data
    OFFICE_FIELD: ClassVar[str] = OFFICE_FIELD

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.codes = TrackingCodes(engine.db, engine.data_dir, engine.clock)
        self.limits = RateLimits(engine.db, engine.clock)

    # --- requirements -----------------------------------------------------------

    def requirements(self, case: CaseView | None = None) -> Requirements:
        """The requirements of the latest placement process, or of a case's own version.

        Raises:
            NotFound: the placement process is not deployed.
        """
        key, version = (case.process_key, case.version) if case else (PLACEMENT_PROCESS, None)
        with self.engine.db.session() as session:
            row = Registry.version_row(session, key, version)
            files = Registry.files_of(session, row)
            return derive_requirements(row.key, row.version, files)

    def field_labels(self, case: CaseView) -> dict[str, forms.Field]:
        """The form fields of a case's process version by id (labels for printouts)."""
        with self.engine.db.session() as session:
            row = Registry.version_row(session, case.process_key, case.version)
            loaded = self.engine.registry.loaded(session, row.id)
            found: dict[str, forms.Field] = {}
            for form in loaded.bundle.forms.values():
                for field in form.fields:
                    found.setdefault(field.id, field)
            return found

    # --- complaints -------------------------------------------------------------

    def intake_form(self) -> forms.Form:
        """The complaint form: the intake task of the latest complaint process."""
        with self.engine.db.session() as session:
            row = Registry.version_row(session, COMPLAINT_PROCESS, None)
            loaded = self.engine.registry.loaded(session, row.id)
            form = loaded.bundle.forms.get((COMPLAINT_PROCESS, INTAKE_TASK))
        if form is None:
            raise NotFound(f"process {COMPLAINT_PROCESS!r} has no task {INTAKE_TASK!r}")
        return form

    def complaint_form(self) -> forms.Form:
        """The complaint form as the public fills it in: the office, then the intake fields.

        The office is one of the offices table's, labelled by name; with one
        office it is chosen already, with several the complainant chooses.
        """
        intake = self.intake_form()
        offices = self.engine.offices.list()
        choice = forms.Field(
            id=OFFICE_FIELD,
            type="enum",
            label="Kantor LTSA",
            label_en="LTSA office",
            help="Kantor LTSA yang menangani pengaduan Anda",
            help_en="The LTSA office that will handle your complaint",
            required=True,
            default=offices[0].code if len(offices) == 1 else None,
            options=tuple((o.code, o.name) for o in offices),
        )
        return forms.Form(key=intake.key, fields=(choice, *intake.fields))

    def file_complaint(
        self, data: Mapping[str, Any], locale: str = "id", office: str | None = None
    ) -> tuple[int, str]:
        """File a complaint online; returns its case id and tracking code.

        The complaint goes to `office` (one of the offices table's; refused
        otherwise, naming the field), or to the default office when None.

        Raises:
            ValidationFailed: the form refused the data or the office; nothing was stored.
        """
        chosen = DEFAULT_OFFICE if office is None else office
        try:
            self.complaint_form().validate(
                {**data, OFFICE_FIELD: chosen}, current={}, locale=locale
            )
        except forms.ValidationFailed as exc:
            raise ValidationFailed(exc.errors) from None
        case = self.engine.start(COMPLAINT_PROCESS, {}, ONLINE, office=chosen)
        intake = next(t for t in case.ready_tasks if t.name == INTAKE_TASK)
        self.engine.complete_task(intake.id, data, ONLINE, locale=locale)
        return case.id, self.codes.code_for(case.id)

    def complaint(self, code: str) -> ComplaintStatus:
        """A complaint's status and resolution by its code.

        Raises:
            NotFound: malformed or unknown code, or not a complaint.
        """
        case = self._case(code, COMPLAINT_PROCESS)
        data = case.data
        status = str(data.get("complaint_status") or "received")
        done = status in ("resolved", "closed_info")
        return ComplaintStatus(
            tracking_code=self.codes.code_for(case.id),
            status=status,
            category=str(data.get("category") or ""),
            filed_on=str(data.get("intake_date") or case.created_at.date().isoformat()),
            resolution=str(data.get("resolution") or "") if done else "",
            closed_on=str(data.get("closed_date") or "") if done else "",
        )

    def complaints_about(self, case: CaseView, office: str | None = None) -> list[LinkedComplaint]:
        """Complaints that name the NIK of this (placement) case's worker.

        Only complaints of `office` when one is given (the reader's office;
        None for national readers).
        """
        nik = case.data.get("nik")
        if case.process_key == COMPLAINT_PROCESS or not isinstance(nik, str) or not nik:
            return []
        found = self.engine.list_cases(
            process_key=COMPLAINT_PROCESS, search=nik, limit=100, office=office
        )
        return [
            LinkedComplaint(
                c.id,
                str(c.data.get("category") or ""),
                str(c.data.get("complaint_status") or "received"),
                str(c.data.get("intake_date") or ""),
            )
            for c in found
            if c.data.get("nik") == nik
        ]

    # --- placement cases ---------------------------------------------------------

    def progress(self, code: str, birth_date: str, address: str | None = None) -> CaseProgress:
        """A placement case's step, desk and missing documents, by code and birth date.

        The look-up is recorded in the access record as the worker's own read.

        Raises:
            NotFound: the same for a malformed or unknown code and a wrong birth date.
            AccessNotRecorded: the read could not be recorded; refuse it.
        """
        case = self._case(code, PLACEMENT_PROCESS)
        known = str(case.data.get("birth_date") or "")
        if not hmac.compare_digest(known.encode(), birth_date.strip().encode()):
            raise NotFound(_NOT_FOUND)
        self.engine.access.record(
            SUBJECT, case.id, AccessKind.SUBJECT_SELF, address=address, office=case.office
        )
        missing = case.data.get("missing_documents") or []
        active = case.status == "active"
        return CaseProgress(
            steps=tuple(t.title for t in case.ready_tasks),
            desks=case.desks,
            missing_documents=tuple(str(m) for m in missing) if active else (),
            finished=not active,
        )

    def tracking_code(self, case_id: int) -> str:
        """The tracking code printed on a case's receipt (registered for look-ups)."""
        self.engine.get_case(case_id)  # NotFound for a case that does not exist
        return self.codes.code_for(case_id)

    def allow_hit(self, scope: str, client: str, limit: int, window_seconds: int = 60) -> bool:
        """Count one public request of a client; False when it is over the limit."""
        return self.limits.hit(scope, client, limit, window_seconds)

    def _case(self, code: str, process_key: str) -> CaseView:
        case_id = self.codes.case_for(code)
        if case_id is None:
            raise NotFound(_NOT_FOUND)
        case = self.engine.get_case(case_id)
        if case.process_key != process_key:
            raise NotFound(_NOT_FOUND)
        return case
