"""A designer's draft (uploaded or edited files) tested before it is deployed.

`handle_draft` validates, runs the scenario files, or deploys a draft (refused
when a scenario fails unless the designer chose to deploy without tests,
which the version records); `report_html` renders the scenario results with
the coverage drawn on each process's diagram. The upload form, the modeler
and the decision-table editor all go through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from flask import render_template

from engine import (
    DeployedProcess,
    DeploymentError,
    DeploymentFailed,
    ScenarioFileError,
    ScenarioReport,
    ScenariosFailed,
    SourceFile,
)
from web.app_engine import engine_of

__all__ = [
    "DraftAction",
    "DraftOutcome",
    "draft_context",
    "diagrams_of",
    "draft_json",
    "handle_draft",
    "report_html",
    "scenario_uploads",
    "with_their_versions",
]

_SCENARIO_SUFFIXES = (".yaml", ".yml")


class DraftAction(StrEnum):
    """What the designer asked for a draft."""

    VALIDATE = "validate"
    TEST = "test"
    DEPLOY = "deploy"
    DEPLOY_UNTESTED = "deploy_untested"

    @classmethod
    def of(cls, value: object, *, skip_tests: bool = False) -> DraftAction:
        """The action named by a form button (an unknown name deploys, tests included)."""
        try:
            action = cls(str(value))
        except ValueError:
            action = cls.DEPLOY
        if action is cls.DEPLOY and skip_tests:
            return cls.DEPLOY_UNTESTED
        return action


@dataclass(frozen=True)
class DraftOutcome:
    """The answer to a draft: what was validated, tested or deployed, or what refused it."""

    action: DraftAction
    status: int = 200
    validated: list[str] | None = None
    deployed: list[DeployedProcess] = field(default_factory=list)
    problems: list[DeploymentError] = field(default_factory=list)
    report: ScenarioReport | None = None
    scenarios_failed: bool = False

    @property
    def page_status(self) -> int:
        """The status of the designer page showing this outcome (a page is 200, not 201)."""
        return 422 if self.status == 422 else 200

    @property
    def failed_names(self) -> list[str]:
        """The names of the failing scenarios."""
        return [s.name for s in self.report.failures] if self.report else []


def with_their_versions(files: Sequence[SourceFile]) -> list[SourceFile]:
    """`files` plus the other files of each latest process version that holds one of them.

    A designer who uploads just the changed table (or diagram) tests and deploys
    the whole set it belongs to, as the modeler does with the version it opened.
    """
    eng = engine_of()
    names = {f.name for f in files}
    latest: dict[str, int] = {}
    for v in eng.processes():
        if names & set(v.files):
            latest[v.key] = max(latest.get(v.key, 0), v.version)
    completed = list(files)
    for key, version in latest.items():
        for source in eng.version_files(key, version):
            if source.name not in names:
                names.add(source.name)
                completed.append(source)
    return completed


def _scenario_problem(exc: ScenarioFileError) -> DeploymentError:
    return DeploymentError(
        exc.file, exc.line, None, "LTSA-T002", exc.message, "correct the scenario file"
    )


def handle_draft(
    files: Sequence[SourceFile],
    action: DraftAction,
    actor: str,
    scenarios: Sequence[SourceFile] | None = None,
) -> DraftOutcome:
    """Validate, test or deploy `files`; nothing is stored unless the deployment succeeds."""
    eng = engine_of()
    given = list(scenarios) if scenarios else None
    try:
        if action is DraftAction.VALIDATE:
            return DraftOutcome(action, validated=eng.validate(list(files)))
        if action is DraftAction.TEST:
            report = eng.test_draft(list(files), scenarios=given)
            return DraftOutcome(action, report=report)
        skip = action is DraftAction.DEPLOY_UNTESTED
        deployed = eng.deploy(list(files), actor, scenarios=given, skip_tests=skip)
        return DraftOutcome(action, status=201, deployed=list(deployed))
    except ScenariosFailed as exc:
        return DraftOutcome(
            action, status=422, problems=list(exc.errors), report=exc.report, scenarios_failed=True
        )
    except DeploymentFailed as exc:
        return DraftOutcome(action, status=422, problems=list(exc.errors))
    except ScenarioFileError as exc:
        return DraftOutcome(action, status=422, problems=[_scenario_problem(exc)])


def _defines(source: SourceFile, key: str) -> bool:
    quoted = rb"[\"']" + re.escape(key.encode()) + rb"[\"']"
    pattern = re.compile(rb"<(?:\w+:)?process\b[^>]*\bid=" + quoted)
    return source.name.lower().endswith(".bpmn") and pattern.search(source.content) is not None


def _process_xml(files: Sequence[SourceFile], key: str) -> str | None:
    """The BPMN text that defines process `key`: the draft's, else the latest deployed."""
    eng = engine_of()
    deployed = [v.version for v in eng.processes() if v.key == key]
    candidates = list(files)
    if deployed:
        candidates += eng.version_files(key, max(deployed))
    for source in candidates:
        if _defines(source, key):
            return source.content.decode("utf-8", errors="replace")
    return None


def diagrams_of(report: ScenarioReport, files: Sequence[SourceFile]) -> dict[str, str | None]:
    """The BPMN text to draw each covered process on, by process key."""
    return {c.process_key: _process_xml(files, c.process_key) for c in report.coverage}


def scenario_uploads(uploads: Iterable[Any]) -> tuple[list[Any], list[SourceFile]]:
    """Split uploaded files into process files (the rest) and scenario files (.yaml, .yml)."""
    rest: list[Any] = []
    scenarios: list[SourceFile] = []
    for upload in uploads:
        name = re.split(r"[\\/]", str(getattr(upload, "filename", "") or ""))[-1].strip()
        if name.lower().endswith(_SCENARIO_SUFFIXES):
            scenarios.append(SourceFile(name, upload.read()))
        else:
            rest.append(upload)
    return rest, scenarios


def report_html(report: ScenarioReport, files: Sequence[SourceFile]) -> str:
    """The scenario results and, per process, the coverage drawn on its diagram."""
    return render_template(
        "designer/_scenario_report.html", report=report, diagrams=diagrams_of(report, files)
    )


def draft_context(outcome: DraftOutcome, files: Sequence[SourceFile]) -> dict[str, Any]:
    """What the designer page shows of `outcome` (the keywords of its template)."""
    return {
        "results": outcome.deployed or None,
        "validated": outcome.validated,
        # a scenario failure shows in the report; the problem table is for invalid files
        "problems": None if outcome.scenarios_failed else outcome.problems or None,
        "report": outcome.report,
        "diagrams": diagrams_of(outcome.report, files) if outcome.report else {},
        "scenarios_failed": outcome.scenarios_failed,
        "tested": outcome.action is DraftAction.TEST,
        "tests_skipped": outcome.action is DraftAction.DEPLOY_UNTESTED,
    }


def draft_json(outcome: DraftOutcome, files: Sequence[SourceFile]) -> dict[str, Any]:
    """The modeler's and decision-table editor's JSON answer to `outcome`."""
    body: dict[str, Any] = {}
    if outcome.validated is not None:
        body["validated"] = outcome.validated
    if outcome.deployed:
        body["deployed"] = [
            {"key": r.key, "version": r.version, "status": r.status, "content_hash": r.content_hash}
            for r in outcome.deployed
        ]
        body["tests_skipped"] = outcome.action is DraftAction.DEPLOY_UNTESTED
    if outcome.problems:
        body["errors"] = [e.to_dict() for e in outcome.problems]
    if outcome.report is not None:
        body["tested"] = True
        body["passed"] = outcome.report.passed
        body["failed"] = outcome.failed_names
        body["scenarios_failed"] = outcome.scenarios_failed
        body["report"] = outcome.report.to_json()
        body["report_html"] = report_html(outcome.report, files)
    return body
