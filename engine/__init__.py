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
from engine.cases import Engine, JournalDiverged, run_scenarios
from engine.clock import Clock, ManualClock, SystemClock
from engine.dashboard import DeskFigures, OfficeFigures, Waiting
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
from engine.logins import Logins, SignIn
from engine.migration_plan import CaseImpact
from engine.offices import DEFAULT_OFFICE, Office, Offices
from engine.public import CaseProgress, ComplaintStatus, LinkedComplaint, PublicDesk
from engine.requirements import Requirements
from engine.scenario_report import (
    ProcessCoverage,
    ScenarioFileError,
    ScenarioReport,
    ScenarioResult,
    ScenariosFailed,
)
from engine.search import CaseHit, CaseQuery, SearchResult, mask_nik
from engine.state import ProcessError
from engine.subject import SUBJECT_FORMAT
from engine.users import USER_ROLES, ClaimsHeld, User, Users
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
    "DEFAULT_OFFICE",
    "DESK_LABELS",
    "REPORT_FORMAT",
    "SUBJECT_FORMAT",
    "USER_ROLES",
    "AccessEntry",
    "AccessKind",
    "AccessNotRecorded",
    "AccessVerification",
    "Actor",
    "CaseImpact",
    "CaseHit",
    "CaseQuery",
    "CaseReplay",
    "CaseNotActive",
    "CaseProgress",
    "CaseStatus",
    "CaseView",
    "ClaimsHeld",
    "Clock",
    "ComplaintStatus",
    "Conflict",
    "DeployedProcess",
    "DeskFigures",
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
    "LinkedComplaint",
    "Logins",
    "ManualClock",
    "NotFound",
    "Office",
    "OfficeFigures",
    "Offices",
    "ProcessCoverage",
    "ProcessError",
    "ProcessVersion",
    "PublicDesk",
    "Requirements",
    "Role",
    "SignIn",
    "ScenarioFileError",
    "ScenarioReport",
    "ScenarioResult",
    "ScenariosFailed",
    "SearchResult",
    "SourceFile",
    "SystemClock",
    "TaskView",
    "User",
    "Users",
    "ValidationFailed",
    "Verification",
    "Waiting",
    "run_scenarios",
    "is_report",
    "mask_nik",
    "verify_export",
    "verify_report",
]
