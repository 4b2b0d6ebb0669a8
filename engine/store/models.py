"""The engine's tables (SQLAlchemy 2.0 declarative models).

Alembic migrations under `engine/store/migrations` create them; the models
are the source those migrations are checked against.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "AccessRow",
    "ApiToken",
    "AuditJobResultRow",
    "AuditJobRow",
    "Base",
    "CaseRow",
    "DefinitionFile",
    "EventRow",
    "FigureCounterRow",
    "IdempotencyKey",
    "OfficeRow",
    "ProcessVersionRow",
    "RateCounterRow",
    "ScenarioSetRow",
    "SnapshotRow",
    "TaskRow",
    "TimerRow",
    "TrackingCodeRow",
    "UserRow",
    "WaitDayRow",
]


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use the engine clock")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: The office existing data belongs to, and new cases whose starter names none.
DEFAULT_OFFICE = "utama"

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class DefinitionFile(Base):
    """A BPMN/DMN (or scenario) file's bytes, stored once per content."""

    __tablename__ = "definition_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ProcessVersionRow(Base):
    """An immutable version of a process: key, number, hash and its files."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # [{"name": ..., "sha256": ...}, ...]
    files: Mapped[list[Any]] = mapped_column(JSON)
    name: Mapped[str] = mapped_column(String(300), default="")
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deployed_by: Mapped[str] = mapped_column(String(200))
    # set when the version was deployed although its scenarios were not run
    tests_skipped_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tests_skipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ScenarioSetRow(Base):
    """The designer's scenario files stored with a deployment (bytes in definition_files)."""

    __tablename__ = "scenario_sets"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime())
    stored_by: Mapped[str] = mapped_column(String(200))
    # [{"name": ..., "sha256": ...}, ...]
    files: Mapped[list[Any]] = mapped_column(JSON)


class CaseRow(Base):
    """A case: the process version it runs on, its status and revision."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_version", "status", "process_version_id"),
        Index("ix_cases_office_id", "office", "id"),  # an office's case list, newest first
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    process_key: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20))  # indexed by ix_cases_status_version
    rejection_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    revision: Mapped[int] = mapped_column(Integer)
    # sequence number of the last journal event; equals the revision.
    head_hash: Mapped[str] = mapped_column(String(64))
    state_digest: Mapped[str] = mapped_column(String(64))
    applicant_name: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    nik: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    # the case data after the last event, so that reading never replays
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_by: Mapped[str] = mapped_column(String(200))
    office: Mapped[str] = mapped_column(String(20), server_default=DEFAULT_OFFICE)


class EventRow(Base):
    """One journal event: an input the case received, hash-chained per case."""

    __tablename__ = "journal_events"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),  # also the index by case
        # the auditor's search: cases someone, some desk or some kind of input touched in a period
        Index("ix_journal_events_actor_time", "actor", "recorded_at", "case_id"),
        Index("ix_journal_events_desk_time", "desk", "recorded_at", "case_id"),
        Index("ix_journal_events_kind_time", "kind", "recorded_at", "case_id"),
        Index("ix_journal_events_time", "recorded_at", "case_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    format_version: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    desk: Mapped[str | None] = mapped_column(String(40), nullable=True)
    task_ref: Mapped[str | None] = mapped_column(String(400), nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state_digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class SnapshotRow(Base):
    """The serialized workflow of a case after event `seq` (latest only)."""

    __tablename__ = "snapshots"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)
    state_digest: Mapped[str] = mapped_column(String(64))


class TaskRow(Base):
    """The task projection (the inbox): one row per user task occurrence."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("case_id", "ref"),
        Index("ix_tasks_office_inbox", "office", "state", "desk", "created_at"),
        # waiting times of a period: an index-only scan on PostgreSQL
        Index(
            "ix_tasks_office_done",
            "office",
            "completed_at",
            postgresql_include=["state", "desk", "name", "created_at"],
        ),
        Index("ix_tasks_case_state", "case_id", "state"),  # a case's ready tasks
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    ref: Mapped[str] = mapped_column(String(400))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(400))
    desk: Mapped[str | None] = mapped_column(String(40), nullable=True)
    state: Mapped[str] = mapped_column(String(20))
    assignee: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    office: Mapped[str] = mapped_column(String(20), server_default=DEFAULT_OFFICE)


class TimerRow(Base):
    """A timer a case waits on, with its due time (fired by `ltsa worker`)."""

    __tablename__ = "timers"
    __table_args__ = (
        UniqueConstraint("case_id", "ref"),
        Index("ix_timers_due", "state", "due_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    ref: Mapped[str] = mapped_column(String(400))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(20))
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # a worker that took the timer holds it until then; after, another may
    leased_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class IdempotencyKey(Base):
    """A client's idempotency key: the same request twice changes the case once."""

    __tablename__ = "idempotency_keys"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    actor: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UserRow(Base):
    """A person who signs in: role, desks and an argon2 password hash."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    desks: Mapped[list[Any]] = mapped_column(JSON)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # None: national (designers, auditors, admins may be); officers and kepala have one
    office: Mapped[str | None] = mapped_column(String(20), nullable=True)


class ApiToken(Base):
    """An API token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TrackingCodeRow(Base):
    """A case's public tracking code, stored only as a keyed hash (engine.tracking)."""

    __tablename__ = "tracking_codes"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RateCounterRow(Base):
    """Hits of one client address on one public endpoint in one time window."""

    __tablename__ = "rate_counters"
    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    hits: Mapped[int] = mapped_column(Integer)


class OfficeRow(Base):
    """An LTSA office (one district's one-stop service)."""

    __tablename__ = "offices"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FigureCounterRow(Base):
    """One shard of a dashboard figure of an office, changed in the input's transaction.

    A figure (e.g. ``queue|disnaker`` or ``completed|2026-03-02``) is the sum
    of its few shards, so concurrent inputs rarely wait on one row.
    """

    __tablename__ = "figure_counters"
    office: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class WaitDayRow(Base):
    """The exact waits of an office's tasks completed on one day (engine.waits' rollup).

    A day in the engine's default time zone. `tasks`: how many the office
    completed that day when rolled up. `groups`: [grouping (desk or
    element), key, how many] in the order their waits follow one another in
    `waits`: microseconds, sorted within each group, little-endian 64-bit.
    A stale day is read live until the worker rolls it again.
    """

    __tablename__ = "wait_days"
    office: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tasks: Mapped[int] = mapped_column(Integer)
    rolled_at: Mapped[datetime] = mapped_column(UtcDateTime())
    stale: Mapped[bool] = mapped_column(Boolean)
    groups: Mapped[list[Any]] = mapped_column(JSON)
    waits: Mapped[bytes] = mapped_column(LargeBinary)


class AccessRow(Base):
    """One read of a case's personal data: who, role, when, what, from where.

    Hash-chained per day (`day`, `seq`), like the journal per case; no foreign
    key to the case, so the record outlives a deleted case.
    """

    __tablename__ = "access_log"
    __table_args__ = (
        UniqueConstraint("day", "seq"),
        Index("ix_access_log_case", "case_id", "id"),
        Index("ix_access_log_actor_time", "actor", "recorded_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    day: Mapped[str] = mapped_column(String(10))
    seq: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    office: Mapped[str | None] = mapped_column(String(40), nullable=True)
    case_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    what: Mapped[str] = mapped_column(String(40))
    document: Mapped[str | None] = mapped_column(String(64), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditJobRow(Base):
    """A background verification run: its filters, progress and signed report."""

    __tablename__ = "audit_jobs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # running | done | failed
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    case_ids: Mapped[list[Any]] = mapped_column(JSON)  # fixed when the job is created
    done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # the process working on it holds it until then; after, another may resume it
    leased_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    report: Mapped[str | None] = mapped_column(Text, nullable=True)


class AuditJobResultRow(Base):
    """The verdict on one case within a verification job (one row per case: resumable)."""

    __tablename__ = "audit_job_results"
    job_id: Mapped[int] = mapped_column(ForeignKey("audit_jobs.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    intact: Mapped[bool] = mapped_column()
    first_bad_event: Mapped[int | None] = mapped_column(Integer, nullable=True)
    problems: Mapped[list[Any]] = mapped_column(JSON)
    events: Mapped[int] = mapped_column(Integer)
