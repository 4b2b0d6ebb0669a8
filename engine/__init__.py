"""The LTSA case engine: the whole public API.

Everything outside `engine/` imports from here, never from its modules.
`tests/engine/test_public_api.py` pins this list.
"""

from engine.access import (
    AccessEntry,
    AccessKind,
    AccessNotRecorded,
    AccessVerification,
)
from engine.audit import CaseReplay, Divergence, Verification, verify_export
from engine.cases import Engine, JournalDiverged
from engine.clock import Clock, ManualClock, SystemClock
from engine.definitions import SourceFile
from engine.desks import DESK_LABELS, Desk
from engine.errors import (
    CaseNotActive,
    Conflict,
    DeploymentError,
    DeploymentFailed,
    EngineError,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from engine.jobs import REPORT_FORMAT, JobView, is_report, verify_report
from engine.journal import EventKind, JournalEvent
from engine.search import CaseHit, CaseQuery, SearchResult, mask_nik
from engine.state import ProcessError
from engine.subject import SUBJECT_FORMAT
from engine.users import User, Users
from engine.views import (
    Actor,
    CaseStatus,
    CaseView,
    DeployedProcess,
    ProcessVersion,
    Role,
    TaskView,
)

__all__ = [
    "DESK_LABELS",
    "REPORT_FORMAT",
    "SUBJECT_FORMAT",
    "AccessEntry",
    "AccessKind",
    "AccessNotRecorded",
    "AccessVerification",
    "Actor",
    "CaseHit",
    "CaseQuery",
    "CaseReplay",
    "CaseNotActive",
    "CaseStatus",
    "CaseView",
    "Clock",
    "Conflict",
    "DeployedProcess",
    "DeploymentError",
    "DeploymentFailed",
    "Desk",
    "Divergence",
    "Engine",
    "EngineError",
    "EventKind",
    "Forbidden",
    "JobView",
    "JournalDiverged",
    "JournalEvent",
    "ManualClock",
    "NotFound",
    "ProcessError",
    "ProcessVersion",
    "Role",
    "SearchResult",
    "SourceFile",
    "SystemClock",
    "TaskView",
    "User",
    "Users",
    "ValidationFailed",
    "Verification",
    "is_report",
    "mask_nik",
    "verify_export",
    "verify_report",
]
