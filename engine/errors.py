"""The engine's one error hierarchy.

The web layer maps these to HTTP statuses in one handler and the CLI to exit
codes in one place; nothing else needs to know which is which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engine.values import JsonValue

__all__ = [
    "CaseNotActive",
    "Conflict",
    "DeploymentError",
    "DeploymentFailed",
    "EngineError",
    "Forbidden",
    "NotFound",
    "ValidationFailed",
    "known_id",
]


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""

    code = "engine_error"


class NotFound(EngineError):
    """A case, task, process or user that does not exist."""

    code = "not_found"


MAX_ID = 2**63 - 1


def known_id(value: int, what: str) -> int:
    """`value` if it can be an id (1 .. 2**63-1); otherwise NotFound, like any unknown id."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise NotFound(f"{what} {value} does not exist")
    return value


class Forbidden(EngineError):
    """The actor may not do this (wrong desk, wrong role)."""

    code = "forbidden"


class Conflict(EngineError):
    """Someone else changed the case first; reload and try again."""

    code = "conflict"


class CaseNotActive(Conflict):
    """The case has ended (completed, rejected or withdrawn)."""

    code = "case_not_active"


class ValidationFailed(EngineError):
    """Submitted data was refused; `errors` maps each field to its messages."""

    code = "validation_failed"

    def __init__(self, errors: Mapping[str, Sequence[str]], message: str | None = None) -> None:
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in errors.items()}
        fields = ", ".join(sorted(self.errors))
        super().__init__(message or f"invalid data in: {fields}")


@dataclass(frozen=True)
class DeploymentError(JsonValue):
    """One problem found while validating a deployment.

    Attributes:
        file: the file name as given by the designer.
        line: the line in that file, when known.
        element_id: the BPMN/DMN element id, when the problem has one.
        code: a stable diagnostic code such as ``LTSA-D007``.
        message: what is wrong.
        hint: how to fix it.
    """

    file: str
    line: int | None
    element_id: str | None
    code: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        element = f" [{self.element_id}]" if self.element_id else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}{element} {self.code} {self.message}{hint}"


@dataclass
class DeploymentFailed(EngineError):
    """A deployment was refused; nothing was stored."""

    errors: list[DeploymentError] = field(default_factory=list)
    code = "deployment_failed"

    def __str__(self) -> str:
        return "deployment refused:\n" + "\n".join(f"  {e}" for e in self.errors)
