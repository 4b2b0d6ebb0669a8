"""The LTSA case engine: the whole public API.

Everything outside `engine/` imports from here, never from its modules.
`tests/engine/test_public_api.py` pins this list.
"""

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
from engine.journal import EventKind, JournalEvent
from engine.migration_plan import CaseImpact
from engine.state import ProcessError
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
    "Actor",
    "CaseImpact",
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
    "JournalDiverged",
    "JournalEvent",
    "ManualClock",
    "NotFound",
    "ProcessError",
    "ProcessVersion",
    "Role",
    "SourceFile",
    "SystemClock",
    "TaskView",
    "User",
    "Users",
    "ValidationFailed",
    "Verification",
    "verify_export",
]
