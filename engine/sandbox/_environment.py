"""The SpiffWorkflow seam: a script environment and engine that run inside the sandbox."""

from __future__ import annotations

import ast
import copy
import functools
import math
import time
from collections.abc import (
    Callable,
    ItemsView,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from types import MappingProxyType
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.sandbox._budget import CURRENT_RUN, Run, tick
from engine.sandbox._compiler import compile_checked
from engine.sandbox._functions import ALLOWED_FUNCTIONS
from engine.sandbox._instrumenter import HELPERS
from engine.sandbox._limits import (
    MAX_DATA_DEPTH,
    MAX_SECONDS,
    MAX_SOURCE_CHARS,
    ExpressionRejected,
    SandboxLimitExceeded,
)


def _to_json(value: Any, where: str, depth: int = 0) -> Any:
    """Return a JSON-native copy of value: dates become ISO strings, the rest is refused."""
    if depth > MAX_DATA_DEPTH:
        raise SandboxLimitExceeded(f"{where} is nested deeper than {MAX_DATA_DEPTH} levels")
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} is {value}, which task data cannot hold")
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    tick()
    if isinstance(value, (list, tuple, KeysView, ValuesView, ItemsView)):
        tick(len(value))
        return [_to_json(item, where, depth + 1) for item in value]
    if isinstance(value, dict):
        tick(len(value))
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has the key {key!r}; task data keys must be strings")
            result[key] = _to_json(item, where, depth + 1)
        return result
    raise TypeError(
        f"{where} holds a {type(value).__name__}, which task data cannot hold "
        "(only text, numbers, true/false, null, lists, dicts and dates)"
    )


# Task data, as SpiffWorkflow hands it to a script environment.
_Data = dict[str, Any]

_BASE_NAMESPACE: Mapping[str, Any] = MappingProxyType(
    {"__builtins__": {}, **HELPERS, **ALLOWED_FUNCTIONS}
)


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """SpiffWorkflow script environment that evaluates and executes inside the sandbox."""

    def __init__(self, now: Callable[[], datetime], *, timezone: tzinfo | None = None) -> None:
        """Create an environment whose `today()`/`now()` read `now` (in `timezone` if given)."""
        super().__init__({})
        self._now = now
        self._timezone = timezone

    @contextmanager
    def _running(self, *, script: bool) -> Iterator[None]:
        run = Run(self._now, self._timezone, script, time.monotonic() + MAX_SECONDS)
        token = CURRENT_RUN.set(run)
        try:
            yield
        finally:
            CURRENT_RUN.reset(token)

    def evaluate(
        self, expression: str, context: _Data, external_context: _Data | None = None
    ) -> Any:
        """Evaluate an expression against task data; return a JSON-native value."""
        code = compile_checked(expression, "eval")
        namespace = {**(external_context or {}), **context, **_BASE_NAMESPACE}
        with self._running(script=False):
            result = eval(code, namespace)  # noqa: S307 - checked and instrumented above
            return _to_json(result, "the expression's result")

    def execute(self, script: str, context: _Data, external_context: _Data | None = None) -> bool:
        """Run a script on a copy of the task data, then write back its JSON-native names."""
        code = compile_checked(script, "exec")
        external = external_context or {}
        namespace = {**external, **copy.deepcopy(context), **_BASE_NAMESPACE}
        with self._running(script=True):
            exec(code, namespace)  # noqa: S102 - checked and instrumented above
            result = {
                name: _to_json(value, f"variable '{name}'")
                for name, value in namespace.items()
                if not name.startswith("_")
                and name not in _BASE_NAMESPACE
                and (name in context or name not in external)
            }
        # Fields hidden by a function's name, or unreachable (leading `_`), stay as they were.
        result.update(
            {k: v for k, v in context.items() if k.startswith("_") or k in _BASE_NAMESPACE}
        )
        context.clear()
        context.update(result)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        """Refuse service tasks: BPMN files may not call out of the engine."""
        raise ExpressionRejected("service tasks are not supported")


@functools.lru_cache(maxsize=4096)
def _parse_problem(expression: str) -> tuple[Any, ...] | None:
    """Why `expression` does not parse (SyntaxError's args), or None; cached per text.

    SpiffWorkflow's DMN engine asks this of every rule's entry at every decision.
    """
    if len(expression) > MAX_SOURCE_CHARS:
        return ("the expression is too long",)
    try:
        ast.parse(expression)
    except SyntaxError as error:
        return error.args
    except (RecursionError, MemoryError, ValueError) as error:
        return (f"the expression is too complex ({error!r})",)
    return None


class SandboxScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """SpiffWorkflow's script engine with the sandbox's reasons kept in its error messages."""

    def validate(self, expression: str) -> None:
        """Parse only (SpiffWorkflow's DMN engine uses this to decide how to join entries)."""
        problem = _parse_problem(expression)
        if problem is not None:
            raise SyntaxError(*problem)

    def evaluate(
        self, task: Any, expression: str, external_context: dict[str, Any] | None = None
    ) -> Any:
        """Evaluate within the task's data; errors name the expression and the reason."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as error:
            error.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as error:
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}': {error}", task=task, exception=error
            ) from error


def make_script_engine(
    now: Callable[[], datetime], *, timezone: tzinfo | None = None
) -> PythonScriptEngine:
    """Return a SpiffWorkflow script engine that runs everything in the sandbox.

    Args:
        now: returns the time of the input being applied (aware, UTC); `today()` and
            `now()` in expressions read it, so replay gives the same answers.
        timezone: if given, `today()` is the date in that zone (e.g. Asia/Jakarta)
            instead of the date in `now`'s own zone.
    """
    return SandboxScriptEngine(environment=SandboxEnvironment(now, timezone=timezone))
