"""What a scenario run tells the designer: pass or the first failure, and coverage.

Frozen values, JSON-able with `to_json`; `ScenarioFileError` names the file
and line of a scenario file that cannot be run, `ScenariosFailed` refuses a
deployment whose scenarios fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import DeploymentError, DeploymentFailed, EngineError
from engine.values import as_json

__all__ = [
    "ProcessCoverage",
    "ScenarioFileError",
    "ScenarioReport",
    "ScenarioResult",
    "ScenariosFailed",
]


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's outcome.

    Attributes:
        name: the scenario's name as written.
        file: the scenario file's name.
        line: the line of the scenario in that file.
        passed: whether every step and expectation held.
        failure: the first failure, e.g. "SC happy-path-21: after step 1
            (registrasi) expected status active, got rejected: R1: ...".
        filled: fields the steps did not give, as ``"step N (task): field"``:
            filled with a valid example value, or (suffix `` (kept)``) with the
            value the case already had, as the officer's form shows it.
    """

    name: str
    file: str
    line: int
    passed: bool
    failure: str | None = None
    filled: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-able description."""
        return as_json(self)


def _percent(reached: int, missed: int) -> float:
    total = reached + missed
    return 100.0 if total == 0 else round(100.0 * reached / total, 1)


@dataclass(frozen=True)
class ProcessCoverage:
    """Which flow nodes and sequence flows of one process the scenarios reached (element ids)."""

    process_key: str
    flow_nodes_reached: tuple[str, ...]
    flow_nodes_missed: tuple[str, ...]
    flows_reached: tuple[str, ...]
    flows_missed: tuple[str, ...]

    @property
    def node_percent(self) -> float:
        """Share of flow nodes reached, 0-100 (one decimal)."""
        return _percent(len(self.flow_nodes_reached), len(self.flow_nodes_missed))

    @property
    def flow_percent(self) -> float:
        """Share of sequence flows taken, 0-100 (one decimal)."""
        return _percent(len(self.flows_reached), len(self.flows_missed))

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-able description."""
        return {
            "process_key": self.process_key,
            "node_percent": self.node_percent,
            "flow_percent": self.flow_percent,
            "flow_nodes_reached": list(self.flow_nodes_reached),
            "flow_nodes_missed": list(self.flow_nodes_missed),
            "flows_reached": list(self.flows_reached),
            "flows_missed": list(self.flows_missed),
        }


@dataclass(frozen=True)
class ScenarioReport:
    """The outcome of a scenario run: each scenario, and coverage per process."""

    scenarios: tuple[ScenarioResult, ...]
    coverage: tuple[ProcessCoverage, ...]

    @property
    def passed(self) -> bool:
        """Whether every scenario passed (an empty run passes)."""
        return all(s.passed for s in self.scenarios)

    @property
    def failures(self) -> tuple[ScenarioResult, ...]:
        """The scenarios that failed."""
        return tuple(s for s in self.scenarios if not s.passed)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-able description."""
        return {
            "passed": self.passed,
            "scenarios": [s.to_json() for s in self.scenarios],
            "coverage": [c.to_json() for c in self.coverage],
        }


class ScenarioFileError(EngineError):
    """A scenario file cannot be run: bad YAML, an unknown task or field, a bad duration...

    Attributes:
        file: the scenario file's name.
        line: the line in that file (1-based), when known.
        message: what is wrong.
    """

    code = "scenario_file_invalid"

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = file + (f":{line}" if line else "")
        super().__init__(f"{where}: {message}")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able description."""
        return {"file": self.file, "line": self.line, "message": self.message}


class ScenariosFailed(DeploymentFailed):
    """A deployment was refused because a scenario failed; nothing was stored.

    `report` has every scenario's result; `errors` names each failing one.
    """

    code = "scenarios_failed"

    def __init__(self, report: ScenarioReport) -> None:
        super().__init__(
            [
                DeploymentError(
                    s.file,
                    s.line,
                    None,
                    "LTSA-T001",
                    s.failure or f"scenario {s.name!r} failed",
                    "fix the process or the scenario, or deploy without tests (recorded)",
                )
                for s in report.failures
            ]
        )
        self.report = report

    def __str__(self) -> str:
        return "deployment refused, scenarios failed:\n" + "\n".join(
            f"  {e.file}:{e.line} {e.message}" for e in self.errors
        )
