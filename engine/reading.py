"""Reading cases, tasks and journals without touching any workflow.

Every read is served from the case row, the task projection and the journal
table: listing an inbox never deserializes a workflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypedDict, TypeVar

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

import forms
from engine.errors import NotFound, known_id
from engine.journal import EventKind, JournalEvent, upcast
from engine.recording import CaseHead, ready_task_rows
from engine.registry import Registry
from engine.store.db import Database
from engine.store.models import CaseRow, EventRow, TaskRow
from engine.values import from_row
from engine.views import CaseView, TaskView

__all__ = ["CaseFilters", "Reader", "TaskFilters", "event_from_row", "form_key"]

_Row = TypeVar("_Row", CaseRow, TaskRow)


class CaseFilters(TypedDict, total=False):
    """The keywords of `Reader.list_cases`, for the facade that passes them on."""

    status: str | None
    process_key: str | None
    search: str | None
    limit: int
    offset: int
    office: str | None


class TaskFilters(TypedDict, total=False):
    """The keywords of `Reader.list_tasks`, for the facade that passes them on."""

    desk: str | Iterable[str] | None
    case_id: int | None
    state: str | None
    limit: int
    offset: int
    office: str | None


def event_from_row(row: EventRow) -> JournalEvent:
    """A journal event from its row, upcast to the current format."""
    payload = upcast(row.kind, row.format_version, row.payload)
    return from_row(JournalEvent, row, kind=EventKind(row.kind), payload=payload)


def form_key(ref: str) -> tuple[str, str]:
    """(process, element) of a task reference, the key of its form."""
    path = ref.split("#", 1)[0]
    process, _, name = path.rpartition("/")
    return process, name


class Reader:
    """Queries for cases, tasks and the journal."""

    def __init__(self, db: Database, registry: Registry) -> None:
        self.db = db
        self.registry = registry

    def get_case(self, case_id: int, office: str | None = None) -> CaseView:
        """One case with its ready tasks; NotFound when `office` is given and not the case's."""
        with self.db.session() as session:
            return self.case_view(session, _in_office(session, CaseRow, case_id, office))

    def list_cases(
        self,
        *,
        status: str | None = None,
        process_key: str | None = None,
        search: str | None = None,
        limit: int = 50,
        offset: int = 0,
        office: str | None = None,
    ) -> list[CaseView]:
        """Cases, newest first, filtered by office, status, process, or NIK/name search."""
        query = select(CaseRow).order_by(CaseRow.id.desc())
        if office is not None:
            query = query.where(CaseRow.office == office)
        if status:
            query = query.where(CaseRow.status == status)
        if process_key:
            query = query.where(CaseRow.process_key == process_key)
        if search:
            term = search.strip()
            if term.isdigit():
                query = query.where(CaseRow.nik == term)
            else:
                query = query.where(CaseRow.applicant_name.ilike(f"%{term}%"))
        with self.db.session() as session:
            rows = session.scalars(query.limit(min(limit, 500)).offset(offset)).all()
            return [self.case_view(session, r, with_tasks=False) for r in rows]

    def case_view(
        self,
        session: Session,
        case: CaseRow | CaseHead,
        *,
        with_tasks: bool = True,
        ready: Sequence[Any] | None = None,
    ) -> CaseView:
        """The public view of a case row, with its ready tasks (read unless `ready` gives them)."""
        tasks: tuple[TaskView, ...] = ()
        if with_tasks:
            rows = ready_task_rows(session.connection(), case.id) if ready is None else ready
            tasks = tuple(self.task_view(session, r, case) for r in rows)
        return CaseView(
            id=case.id,
            process_key=case.process_key,
            version=self.registry.number(session, case.process_version_id),
            status=case.status,
            rejection_reason=case.rejection_reason,
            data=dict(case.data),
            revision=case.revision,
            created_at=case.created_at,
            updated_at=case.updated_at,
            ready_tasks=tasks,
            office=case.office,
        )

    def task_view(
        self, session: Session, row: TaskRow | Any, case: CaseRow | CaseHead | None = None
    ) -> TaskView:
        """The public view of a task row, with its form when it is ready."""
        case = case or session.get(CaseRow, row.case_id)
        assert case is not None
        form = None
        if row.state == "ready":
            form = self.registry.loaded(session, case.process_version_id).bundle.forms.get(
                form_key(row.ref)
            )
        return _task_view(row, case.process_key, case.applicant_name, case.nik, form)

    def get_task(self, task_id: int, office: str | None = None) -> TaskView:
        """One task, with its form when it is ready; NotFound outside `office` if given."""
        with self.db.session() as session:
            return self.task_view(session, _in_office(session, TaskRow, task_id, office))

    def list_tasks(
        self,
        *,
        desk: str | Iterable[str] | None = None,
        case_id: int | None = None,
        state: str | None = "ready",
        limit: int = 100,
        offset: int = 0,
        office: str | None = None,
    ) -> list[TaskView]:
        """The inbox: tasks by office, desk(s), case and state, oldest first."""
        query = select(TaskRow, CaseRow.process_key, CaseRow.applicant_name, CaseRow.nik).join(
            CaseRow, CaseRow.id == TaskRow.case_id
        )
        if office is not None:
            query = query.where(TaskRow.office == office)
        if state:
            query = query.where(TaskRow.state == state)
        if isinstance(desk, str):
            query = query.where(TaskRow.desk == desk)
        elif desk is not None:
            query = query.where(TaskRow.desk.in_(list(desk)))
        if case_id is not None:
            query = query.where(TaskRow.case_id == case_id)
        query = query.order_by(TaskRow.created_at, TaskRow.id).limit(min(limit, 500)).offset(offset)
        with self.db.session() as session:
            return [
                _task_view(row, key, name, nik)
                for row, key, name, nik in session.execute(query).all()
            ]

    def history(self, case_id: int, office: str | None = None) -> list[JournalEvent]:
        """The case's journal, oldest event first (NotFound outside `office` if given)."""
        with self.db.session() as session:
            _in_office(session, CaseRow, case_id, office)
            rows = session.scalars(
                select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq)
            ).all()
            return [event_from_row(r) for r in rows]


def _in_office(session: Session, model: type[_Row], row_id: int, office: str | None) -> _Row:
    """The case or task `row_id`; NotFound when there is none, or it is outside `office`."""
    noun = "case" if model is CaseRow else "task"
    known_id(row_id, noun)
    row = session.get(model, row_id)
    if row is None or (office is not None and row.office != office):
        raise NotFound(f"{noun} {row_id} does not exist")
    return row


def _task_view(
    row: TaskRow | Row[Any],
    process_key: str,
    applicant_name: str | None,
    nik: str | None,
    form: forms.Form | None = None,
) -> TaskView:
    return from_row(
        TaskView, row, process_key=process_key, form=form, applicant_name=applicant_name, nik=nik
    )
