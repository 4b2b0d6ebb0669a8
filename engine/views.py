"""Value types the engine returns: frozen views of cases, tasks and versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import forms

__all__ = [
    "Actor",
    "CaseStatus",
    "CaseView",
    "DeployedProcess",
    "ProcessVersion",
    "Role",
    "TaskView",
]


class Role(StrEnum):
    """What a person may do; officers are also bound to desks."""

    ADMIN = "admin"
    DESIGNER = "designer"
    OFFICER = "officer"
    AUDITOR = "auditor"
    KEPALA = "kepala"
    SYSTEM = "system"


class CaseStatus(StrEnum):
    """Where a case stands."""

    ACTIVE = "active"
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Actor:
    """Who gives an input: a user name, a role and, for officers, desks."""

    name: str
    role: str = Role.OFFICER
    desks: tuple[str, ...] = ()

    def may_act_at(self, desk: str | None) -> bool:
        """Whether this actor may complete a task of `desk`."""
        return self.role == Role.OFFICER and desk is not None and desk in self.desks


@dataclass(frozen=True)
class TaskView:
    """One user task occurrence as the inbox sees it."""

    id: int
    case_id: int
    ref: str
    name: str
    title: str
    desk: str | None
    state: str
    assignee: str | None
    created_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    process_key: str
    form: forms.Form | None = None
    applicant_name: str | None = None
    nik: str | None = None


@dataclass(frozen=True)
class CaseView:
    """A case: its status, data and the tasks that wait for a desk."""

    id: int
    process_key: str
    version: int
    status: str
    rejection_reason: str | None
    data: dict[str, Any]
    revision: int
    created_at: datetime
    updated_at: datetime
    ready_tasks: tuple[TaskView, ...] = field(default_factory=tuple)

    @property
    def desks(self) -> tuple[str, ...]:
        """The desks that hold the case now (those with a ready task)."""
        return tuple(dict.fromkeys(t.desk for t in self.ready_tasks if t.desk))


@dataclass(frozen=True)
class DeployedProcess:
    """The outcome of deploying one process: its version and whether it is new."""

    key: str
    version: int
    content_hash: str
    status: str  # "new" | "unchanged"


@dataclass(frozen=True)
class ProcessVersion:
    """A stored process version."""

    id: int
    key: str
    version: int
    content_hash: str
    deployed_at: datetime
    deployed_by: str
    files: tuple[str, ...]
    active_cases: int = 0
