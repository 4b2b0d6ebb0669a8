"""The sandbox's limits and its two errors: what it refuses and what it stops."""

from __future__ import annotations

MAX_SOURCE_CHARS = 50_000
MAX_AST_DEPTH = 100
MAX_FORMAT_WIDTH = 100
MAX_OPERATIONS = 1_000_000
MAX_SECONDS = 1.0
MAX_SEQUENCE_LENGTH = 1_000_000
MAX_ALLOCATED_ITEMS = 10_000_000
MAX_INT_BITS = 10_000
MAX_RANGE_LENGTH = 100_000
MAX_DATA_DEPTH = 100


class ExpressionRejected(ValueError):
    """An expression or script uses something the sandbox does not allow."""

    def __init__(
        self, message: str, *, lineno: int | None = None, col: int | None = None, source: str = ""
    ) -> None:
        self.message = message
        self.lineno = lineno
        self.col = col
        self.source = source
        super().__init__(message if lineno is None else f"{message} (line {lineno})")


class SandboxLimitExceeded(RuntimeError):
    """An expression or script ran over its budget (operations, time, or size)."""
