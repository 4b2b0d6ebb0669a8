"""The engine's public surface is `engine.__all__`; this pins it."""

import engine

EXPECTED = {
    "DEFAULT_OFFICE",
    "DESK_LABELS",
    "Actor",
    "CaseImpact",
    "CaseReplay",
    "Divergence",
    "Verification",
    "Waiting",
    "verify_export",
    "CaseNotActive",
    "CaseStatus",
    "CaseView",
    "Clock",
    "Conflict",
    "DeployedProcess",
    "DeskFigures",
    "DeploymentError",
    "DeploymentFailed",
    "Desk",
    "Engine",
    "EngineError",
    "EventKind",
    "Forbidden",
    "JournalDiverged",
    "JournalEvent",
    "ManualClock",
    "NotFound",
    "Office",
    "OfficeFigures",
    "Offices",
    "ProcessError",
    "ProcessVersion",
    "Role",
    "SourceFile",
    "SystemClock",
    "TaskView",
    "User",
    "Users",
    "ValidationFailed",
    "Logins",
    "SignIn",
    "ProcessCoverage",
    "ScenarioFileError",
    "ScenarioReport",
    "ScenarioResult",
    "ScenariosFailed",
    "run_scenarios",
    # the public side (issue 16): requirements, complaints, tracking codes
    "CaseProgress",
    "ComplaintStatus",
    "LinkedComplaint",
    "PublicDesk",
    "Requirements",
    # the auditor across cases and the access record (issue 19)
    "REPORT_FORMAT",
    "SUBJECT_FORMAT",
    "AccessEntry",
    "AccessKind",
    "AccessNotRecorded",
    "AccessVerification",
    "CaseHit",
    "CaseQuery",
    "JobView",
    "SearchResult",
    "is_report",
    "mask_nik",
    "verify_report",
    # moving users between offices (issue 17)
    "USER_ROLES",
    "ClaimsHeld",
}


def test_public_api_is_exactly_the_documented_names() -> None:
    assert set(engine.__all__) == EXPECTED
    for name in engine.__all__:
        assert getattr(engine, name) is not None


def test_every_engine_error_is_one_hierarchy() -> None:
    for name in (
        "CaseNotActive",
        "Conflict",
        "DeploymentFailed",
        "Forbidden",
        "NotFound",
        "ValidationFailed",
        "JournalDiverged",
        "ProcessError",
        "ScenarioFileError",
        "ScenariosFailed",
        "AccessNotRecorded",
        "ClaimsHeld",
    ):
        assert issubclass(getattr(engine, name), engine.EngineError)
    assert issubclass(engine.ScenariosFailed, engine.DeploymentFailed)
