"""The sandbox that runs every expression and script found in an uploaded BPMN or DMN file.

Owns the static check (an AST whitelist, run before anything executes and again, cached,
at run time), the run-time guards (operation budget, deadline, size caps) and the
SpiffWorkflow seam: `make_script_engine` returns a script engine whose environment is a
`SandboxEnvironment` instead of SpiffWorkflow's plain `eval`/`exec`.

The expression language, for process designers
----------------------------------------------
Expressions (gateway conditions, DMN inputs and outputs, timer values) and scripts
(script tasks) are a small subset of Python over the case data:

* literals (str, int, float, True/False/None, lists, dicts, sets, tuples), data names,
  arithmetic, comparisons (`<`, `in`, `is None`, chained `18 <= age < 60`), `and`/`or`/`not`,
  `a if cond else b`, subscripts and slices, list/dict/set comprehensions and generator
  expressions, f-strings (constant format specs, widths up to 100);
* scripts also have assignment (`x = ...`, `d["k"] = ...`, `x += 1`, tuple unpacking), `del`,
  `if`/`elif`/`else`, `for` over a list, dict, string or `range()`, `break`, `continue`, `pass`
  and the mutating methods (`append`, `pop`, `update`, ...);
* methods: see `ALLOWED_ATTRIBUTES` (str: lower, upper, strip, split, join, replace,
  startswith, ...; list: count, index; dict: get, keys, values, items; date: year, month,
  day, weekday, isoformat, ...);
* functions: see `ALLOWED_FUNCTIONS`. Dates in case data are ISO strings ("YYYY-MM-DD");
  `today()`, `add_days()`, `add_months()` and `add_years()` return such strings, so they
  compare directly with data (`passport_expiry > add_months(today(), 6)`); `date()` returns
  a `datetime.date` for field access (`date(birth_date).year`).

Everything else is refused with `ExpressionRejected`: imports, `def`, `class`, `lambda`,
`while`, `with`, `try`, `global`, names or attributes starting with `_`, `str.format`,
calls of anything but the whitelisted functions and methods. Running is bounded
(`SandboxLimitExceeded`): 1,000,000 operations, 1 second, strings and lists of at most
1,000,000 items, integers of at most 10,000 bits, `range()` of at most 100,000 numbers.
After a script, task data holds JSON values only: dates become ISO strings, anything else
(a set, a function) is an error naming the variable.

DMN tables: SpiffWorkflow turns an input entry into one expression with the input
expression (`age` and `< 18` become `age< 18`; `"kawin"` becomes `(status) == ("kawin")`;
`18 <= ? < 60` evaluates `?` as the input) and runs it here, so the same rules apply.
`check_dmn_entry` checks an input entry the way SpiffWorkflow will combine it.
"""

from __future__ import annotations

import ast
import calendar
import contextvars
import copy
import functools
import math
import operator
import re
import textwrap
import time
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from types import CodeType, MappingProxyType
from typing import Any, Literal, TypeVar

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_FUNCTIONS",
    "ExpressionRejected",
    "SandboxEnvironment",
    "SandboxLimitExceeded",
    "SandboxScriptEngine",
    "check_dmn_entry",
    "check_expression",
    "check_script",
    "make_script_engine",
]

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

_T = TypeVar("_T")
_Mode = Literal["eval", "exec"]


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


# --- the run: budget, deadline and the input's time ------------------------------------


@dataclass
class _Run:
    now: Callable[[], datetime]
    timezone: tzinfo | None
    script: bool
    deadline: float
    operations: int = 0
    allocated: int = 0
    _next_check: int = field(default=0, repr=False)
    _time: datetime | None = field(default=None, repr=False)

    def tick(self, count: int = 1) -> None:
        self.operations += count
        if self.operations < self._next_check:
            return
        if self.operations > MAX_OPERATIONS:
            raise SandboxLimitExceeded(
                f"the expression used more than {MAX_OPERATIONS:,} operations; "
                "simplify it or move the work out of the process"
            )
        if time.monotonic() > self.deadline:
            raise SandboxLimitExceeded(f"the expression ran longer than {MAX_SECONDS} s")
        # Reading the clock costs as much as the operation itself: do it every 256.
        self._next_check = min(self.operations + 256, MAX_OPERATIONS + 1)

    def allocate(self, items: int) -> None:
        # Each operation is bounded, but a loop can keep what it makes: count it all.
        self.allocated += items
        if self.allocated > MAX_ALLOCATED_ITEMS:
            raise SandboxLimitExceeded(
                f"the expression made more than {MAX_ALLOCATED_ITEMS:,} list items or characters"
            )

    def time(self) -> datetime:
        if self._time is None:
            value = self.now()
            if value.tzinfo is None:
                raise ValueError("the sandbox clock must return a timezone-aware datetime")
            self._time = value.astimezone(self.timezone) if self.timezone else value
        return self._time


_RUN: contextvars.ContextVar[_Run] = contextvars.ContextVar("sandbox_run")


def _tick(count: int = 1) -> None:
    run = _RUN.get(None)
    if run is not None:
        run.tick(count)


def _allocate(length: int) -> None:
    """Refuse, before it is made, a string or container that would be too long; count it."""
    if length > MAX_SEQUENCE_LENGTH:
        raise SandboxLimitExceeded(
            f"a string or list of {length:,} items would be made "
            f"(at most {MAX_SEQUENCE_LENGTH:,} are allowed)"
        )
    run = _RUN.get(None)
    if run is not None:
        run.allocate(length)


def _charged(value: _T) -> _T:
    """Count a string or container made in one step (a slice, a method's result)."""
    if isinstance(value, (str, *_CONTAINERS)):
        _allocate(len(value))
    return value


_CONTAINERS = (list, tuple, dict, set, frozenset)


def _sized(value: _T) -> _T:
    """Charge the budget for every element reachable from a container, then return it.

    Comparison, hashing and printing walk a container in C without any hook; lists that
    share their elements (`[a] * 1000` three times over) make that walk exponentially
    longer than building them. Charging the walk first keeps every primitive bounded.
    """
    run = _RUN.get(None)
    if run is None or not isinstance(value, _CONTAINERS):
        return value
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        items: Iterable[Any] = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        children = [child for child in items if isinstance(child, _CONTAINERS)]
        run.tick(len(item) + 1)
        stack.extend(children)
    return value


def _ordered(iterable: Iterable[_T]) -> Iterable[_T]:
    """Iterate sets in a fixed order: string hashing differs between processes."""
    if not isinstance(iterable, (set, frozenset)):
        return iterable
    _sized(iterable)
    try:
        return sorted(iterable)
    except TypeError:
        return sorted(iterable, key=lambda item: (type(item).__name__, repr(item)))


def _guarded_iter(iterable: Iterable[_T]) -> Iterator[_T]:
    run = _RUN.get()
    for item in _ordered(iterable):
        run.tick()
        yield item


# --- whitelisted functions -------------------------------------------------------------


def _str(value: object = "") -> str:
    result = str(_sized(value))
    _allocate(len(result))
    return result


def _list(iterable: Iterable[_T] = ()) -> list[_T]:
    return _charged(list(_ordered(iterable)))


def _set(iterable: Iterable[_T] = ()) -> set[_T]:
    return _charged(set(_sized(iterable)))


def _dict(*args: Any, **kwargs: Any) -> dict[Any, Any]:
    for arg in args:
        _sized(arg)
    return _charged(dict(*args, **kwargs))


def _sorted(iterable: Iterable[Any], *, key: Any = None, reverse: bool = False) -> list[Any]:
    return _charged(sorted(_ordered(_sized(iterable)), key=key, reverse=reverse))


def _min(*args: Any, **kwargs: Any) -> Any:
    return min(*(_ordered(_sized(arg)) for arg in args), **kwargs)


def _max(*args: Any, **kwargs: Any) -> Any:
    return max(*(_ordered(_sized(arg)) for arg in args), **kwargs)


def _sum(iterable: Iterable[Any], start: int | float = 0) -> Any:
    if isinstance(start, bool) or not isinstance(start, (int, float)):
        # sum() over lists or strings copies quadratically inside one C call.
        raise TypeError("sum() adds numbers only; the start value must be a number")
    return sum(_ordered(iterable), start)


def _range(*args: int) -> range:
    numbers = range(*args)
    try:
        length = len(numbers)
    except OverflowError:
        length = MAX_RANGE_LENGTH + 1
    if length > MAX_RANGE_LENGTH:
        raise SandboxLimitExceeded(
            f"range() of {length:,} numbers (at most {MAX_RANGE_LENGTH:,} are allowed)"
        )
    return numbers


def _as_date(value: object, what: str = "date") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) > 10:
                return datetime.fromisoformat(text).date()
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{what}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
    raise TypeError(f"{what}: expected an ISO date string or a date, not {type(value).__name__}")


def _whole_number(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number, not {type(value).__name__}")
    return value


def _current_run() -> _Run:
    run = _RUN.get(None)
    if run is None:
        raise RuntimeError("today() and now() work only inside a sandboxed evaluation")
    return run


def sandbox_today() -> str:
    """Return the date of the input being applied, as "YYYY-MM-DD"."""
    return _current_run().time().date().isoformat()


def sandbox_now() -> str:
    """Return the time of the input being applied, as an ISO 8601 string."""
    return _current_run().time().isoformat()


def sandbox_date(value: object, month: int | None = None, day: int | None = None) -> date:
    """Return a `datetime.date` from an ISO string, a date, or year, month and day."""
    if month is None and day is None:
        return _as_date(value)
    if month is None or day is None:
        raise TypeError("date() takes an ISO string, or a year, a month and a day")
    return date(_whole_number(value, "year"), month, day)


def years_between(start: object, end: object) -> int:
    """Return the whole years from start to end (age on a date); negative if end < start."""
    first, last = _as_date(start, "years_between start"), _as_date(end, "years_between end")
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    years = last.year - first.year - ((last.month, last.day) < (first.month, first.day))
    return sign * years


def days_between(start: object, end: object) -> int:
    """Return the days from start to end (negative if end is earlier)."""
    return (_as_date(end, "days_between end") - _as_date(start, "days_between start")).days


def add_days(day: object, days: int) -> str:
    """Return day plus a number of days, as "YYYY-MM-DD"."""
    return date.fromordinal(
        _as_date(day, "add_days").toordinal() + _whole_number(days, "days")
    ).isoformat()


def add_months(day: object, months: int) -> str:
    """Return day plus months as "YYYY-MM-DD", clamped to the month's end (Jan 31 -> Feb 28)."""
    start = _as_date(day, "add_months")
    index = start.year * 12 + start.month - 1 + _whole_number(months, "months")
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError("add_months: the result is outside years 1 to 9999")
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day)).isoformat()


def add_years(day: object, years: int) -> str:
    """Return day plus years as "YYYY-MM-DD" (Feb 29 becomes Feb 28 in common years)."""
    return add_months(day, 12 * _whole_number(years, "years"))


def is_valid_nik(value: object) -> bool:
    """Tell whether value looks like an Indonesian NIK (16 digits with a valid birth date).

    Digits 7-12 are the birth date DDMMYY, with 40 added to the day for women; the region
    codes and the serial number may not be zero.
    """
    if not isinstance(value, str) or len(value) != 16 or not value.isascii():
        return False
    if not value.isdigit() or value[0:2] < "11" or "00" in (value[2:4], value[4:6]):
        return False
    day, month, year = int(value[6:8]), int(value[8:10]), int(value[10:12])
    day = day - 40 if day > 40 else day
    if value[12:16] == "0000":
        return False
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


ALLOWED_FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        # Python built-ins (the guarded ones check sizes and iterate sets in order).
        "len": len,
        "min": _min,
        "max": _max,
        "sum": _sum,
        "any": any,
        "all": all,
        "abs": abs,
        "round": round,
        "int": int,
        "float": float,
        "str": _str,
        "bool": bool,
        "sorted": _sorted,
        "list": _list,
        "dict": _dict,
        "set": _set,
        "range": _range,
        # Dates: data holds "YYYY-MM-DD" strings; these accept strings or dates.
        "today": sandbox_today,
        "now": sandbox_now,
        "date": sandbox_date,
        "years_between": years_between,
        "days_between": days_between,
        "add_days": add_days,
        "add_months": add_months,
        "add_years": add_years,
        # Identity documents.
        "is_valid_nik": is_valid_nik,
    }
)

# Names refused even if case data has a field of that name, so that a reader never
# has to wonder whether `eval(...)` in a diagram could mean the built-in.
# fmt: off
_DENIED_NAMES = frozenset(
    {
        "eval", "exec", "compile", "open", "input", "print", "breakpoint", "help", "exit",
        "quit", "getattr", "setattr", "delattr", "hasattr", "globals", "locals", "vars",
        "dir", "type", "object", "super", "memoryview", "bytes", "bytearray", "classmethod",
        "staticmethod", "property", "iter", "next", "callable", "isinstance", "issubclass",
        "format",
    }
)
# fmt: on


# --- attributes and methods ------------------------------------------------------------

# fmt: off
_READ_ATTRIBUTES: Mapping[type, frozenset[str]] = {
    str: frozenset(
        {
            "lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "split",
            "rsplit", "splitlines", "join", "replace", "find", "rfind", "count", "index",
            "title", "capitalize", "casefold", "isdigit", "isalpha", "isalnum", "isspace",
            "isdecimal", "isnumeric", "islower", "isupper", "zfill", "ljust", "rjust",
            "center", "partition", "rpartition", "removeprefix", "removesuffix",
        }
    ),
    list: frozenset({"count", "index", "copy"}),
    tuple: frozenset({"count", "index"}),
    dict: frozenset({"get", "keys", "values", "items", "copy"}),
    set: frozenset(
        {"union", "intersection", "difference", "symmetric_difference", "issubset",
         "issuperset", "isdisjoint", "copy"}
    ),
    date: frozenset({"year", "month", "day", "weekday", "isoweekday", "isoformat", "replace"}),
}
# fmt: on
_MUTATING_ATTRIBUTES: Mapping[type, frozenset[str]] = {
    list: frozenset({"append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear"}),
    dict: frozenset({"pop", "update", "setdefault", "clear"}),
    set: frozenset({"add", "discard", "remove", "update", "clear"}),
}
_MUTATING_NAMES = frozenset().union(*_MUTATING_ATTRIBUTES.values())
ALLOWED_ATTRIBUTES: frozenset[str] = frozenset().union(*_READ_ATTRIBUTES.values()) | (
    _MUTATING_NAMES
)


def _guard_join(separator: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def join(items: Iterable[Any]) -> Any:
        parts = list(_ordered(items))
        lengths = sum(len(part) for part in parts if isinstance(part, str))
        _allocate(lengths + len(separator) * max(len(parts) - 1, 0))
        return method(parts)

    return join


def _guard_replace(text: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def replace(old: Any, new: Any, count: int = -1) -> Any:
        if isinstance(old, str) and isinstance(new, str):
            found = text.count(old)
            found = found if count < 0 else min(found, count)
            _allocate(len(text) + found * len(new))
        return method(old, new, count)

    return replace


def _guard_width(_: object, method: Callable[..., Any]) -> Callable[..., Any]:
    def pad(width: int, *args: Any) -> Any:
        _allocate(width)
        return method(width, *args)

    return pad


def _guard_extend(items: list[Any], method: Callable[..., Any]) -> Callable[..., Any]:
    def extend(more: Iterable[Any]) -> Any:
        more = list(_ordered(more))
        _allocate(len(items) + len(more))
        return method(more)

    return extend


def _guard_walk(container: object, method: Callable[..., Any]) -> Callable[..., Any]:
    def walk(*args: Any, **kwargs: Any) -> Any:
        _sized(container)
        for arg in args:
            _sized(arg)
        return method(*args, **kwargs)

    return walk


_METHOD_GUARDS: Mapping[tuple[type, str], Callable[[Any, Callable[..., Any]], Any]] = {
    (str, "join"): _guard_join,
    (str, "replace"): _guard_replace,
    (str, "zfill"): _guard_width,
    (str, "ljust"): _guard_width,
    (str, "rjust"): _guard_width,
    (str, "center"): _guard_width,
    (list, "extend"): _guard_extend,
    (list, "count"): _guard_walk,
    (list, "index"): _guard_walk,
    (list, "remove"): _guard_walk,
    (list, "sort"): _guard_walk,
    (tuple, "count"): _guard_walk,
    (tuple, "index"): _guard_walk,
}


def _get_attribute(value: object, name: str) -> Any:
    """Run-time side of attribute access: the exact type must offer that name."""
    run = _RUN.get()
    run.tick()
    kind = type(value)
    allowed = name in _READ_ATTRIBUTES.get(kind, ())
    if not allowed and run.script:
        allowed = name in _MUTATING_ATTRIBUTES.get(kind, ())
    if not allowed:
        raise AttributeError(f"a {kind.__name__} value has no allowed attribute '{name}'")
    attribute = getattr(value, name)
    if not callable(attribute):
        return attribute
    guard = _METHOD_GUARDS.get((kind, name))
    method = guard(value, attribute) if guard else attribute

    def call(*args: Any, **kwargs: Any) -> Any:
        return _charged(method(*args, **kwargs))

    return call


# --- operators -------------------------------------------------------------------------

_OPERATORS: Mapping[str, Callable[[Any, Any], Any]] = {
    "Add": operator.add,
    "Sub": operator.sub,
    "Mult": operator.mul,
    "Div": operator.truediv,
    "FloorDiv": operator.floordiv,
    "Mod": operator.mod,
    "Pow": operator.pow,
    "LShift": operator.lshift,
    "RShift": operator.rshift,
    "BitOr": operator.or_,
    "BitXor": operator.xor,
    "BitAnd": operator.and_,
}
_SEQUENCES = (str, list, tuple)
_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _int_too_big(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise SandboxLimitExceeded(
            f"a number of about {bits:,} bits would be made (at most {MAX_INT_BITS:,})"
        )


def _check_printf(template: str) -> None:
    for match in _PRINTF_FIELD.finditer(template):
        for size in match.groups():
            if size == "*" or (size is not None and int(size) > MAX_FORMAT_WIDTH):
                raise SandboxLimitExceeded(
                    f"'%' formatting widths must be numbers up to {MAX_FORMAT_WIDTH}"
                )


def _binary_operation(name: str, left: Any, right: Any) -> Any:
    """Run-time side of every binary operator: refuse results that would be too large."""
    _tick()
    if name == "Add" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        _allocate(len(left) + len(right))
    elif name == "Mult":
        if isinstance(left, _SEQUENCES) and isinstance(right, int):
            _allocate(len(left) * max(right, 0))
        elif isinstance(right, _SEQUENCES) and isinstance(left, int):
            _allocate(len(right) * max(left, 0))
        elif isinstance(left, int) and isinstance(right, int):
            _int_too_big(left.bit_length() + right.bit_length())
    elif name == "Pow" and isinstance(left, int) and isinstance(right, int):
        if right > 0 and abs(left) > 1:
            _int_too_big(left.bit_length() * right)
    elif name == "LShift" and isinstance(left, int) and isinstance(right, int):
        if left != 0 and right > 0:
            _int_too_big(left.bit_length() + right)
    elif name == "Mod" and isinstance(left, str):
        _check_printf(left)
        _sized(right)
    return _OPERATORS[name](left, right)


# --- the static check ------------------------------------------------------------------

# fmt: off
_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression, ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.Delete, ast.If,
    ast.For, ast.Pass, ast.Break, ast.Continue, ast.BoolOp, ast.BinOp, ast.UnaryOp,
    ast.IfExp, ast.Dict, ast.Set, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
    ast.Compare, ast.Call, ast.FormattedValue, ast.JoinedStr, ast.Constant, ast.Attribute,
    ast.Subscript, ast.Starred, ast.Name, ast.List, ast.Tuple, ast.Slice, ast.comprehension,
    ast.keyword, ast.expr_context, ast.boolop, ast.unaryop, ast.cmpop, ast.Add, ast.Sub,
    ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitOr,
    ast.BitXor, ast.BitAnd,
)
# fmt: on
_REFUSALS: Mapping[type[ast.AST], str] = {
    ast.While: "while loops are not allowed; use for over a list or range()",
    ast.FunctionDef: "defining functions is not allowed",
    ast.AsyncFunctionDef: "defining functions is not allowed",
    ast.ClassDef: "defining classes is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.Import: "import is not allowed",
    ast.ImportFrom: "import is not allowed",
    ast.Global: "global is not allowed",
    ast.Nonlocal: "nonlocal is not allowed",
    ast.With: "with is not allowed",
    ast.Try: "try is not allowed",
    ast.TryStar: "try is not allowed",
    ast.Raise: "raise is not allowed",
    ast.Assert: "assert is not allowed",
    ast.Return: "return is not allowed",
    ast.NamedExpr: "the := operator is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Await: "await is not allowed",
    ast.Match: "match is not allowed",
    ast.AnnAssign: "annotated assignment is not allowed",
    ast.MatMult: "the @ operator is not allowed",
}
_CONSTANT_TYPES = (str, int, float, bool, type(None))
_DIGITS = re.compile(r"\d+")


def _reject(message: str, node: ast.AST | None, source: str) -> ExpressionRejected:
    return ExpressionRejected(
        message,
        lineno=getattr(node, "lineno", None),
        col=getattr(node, "col_offset", None),
        source=source,
    )


class _Checker(ast.NodeVisitor):
    """Walks a parsed expression or script and refuses anything off the whitelist."""

    def __init__(self, source: str, script: bool) -> None:
        self.source = source
        self.script = script

    def generic_visit(self, node: ast.AST) -> None:
        if not isinstance(node, _ALLOWED_NODES):
            message = _REFUSALS.get(type(node), f"'{type(node).__name__}' is not allowed")
            raise _reject(message, node, self.source)
        super().generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id.startswith("_") or node.id in _DENIED_NAMES:
            raise _reject(f"name '{node.id}' is not allowed", node, self.source)
        if not isinstance(node.ctx, ast.Load) and node.id in ALLOWED_FUNCTIONS:
            raise _reject(f"'{node.id}' is a function and cannot be assigned", node, self.source)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)  # report the leftmost problem: `__import__('os').system`
        if not isinstance(node.ctx, ast.Load):
            raise _reject("assigning to attributes is not allowed", node, self.source)
        if node.attr in ("format", "format_map"):
            raise _reject(f"'.{node.attr}' is not allowed; use an f-string", node, self.source)
        if node.attr.startswith("_") or node.attr not in ALLOWED_ATTRIBUTES:
            raise _reject(f"attribute '{node.attr}' is not allowed", node, self.source)
        if node.attr in _MUTATING_NAMES and not self.script:
            raise _reject(
                f"'.{node.attr}()' changes data and is allowed in scripts only", node, self.source
            )

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if isinstance(function, ast.Name) and function.id not in ALLOWED_FUNCTIONS:
            if function.id.startswith("_") or function.id in _DENIED_NAMES:
                raise _reject(f"name '{function.id}' is not allowed", function, self.source)
            raise _reject(f"function '{function.id}' is not allowed", function, self.source)
        if not isinstance(function, (ast.Name, ast.Attribute)):
            self.visit(function)  # `(lambda: 1)()` is refused as a lambda
            raise _reject("only named functions and methods can be called", node, self.source)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, _CONSTANT_TYPES):
            kind = type(node.value).__name__
            raise _reject(f"{kind} literals are not allowed", node, self.source)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if not all(isinstance(part, ast.Constant) for part in parts):
                raise _reject("f-string format specs must be constant", node, self.source)
            text = "".join(str(part.value) for part in parts if isinstance(part, ast.Constant))
            if any(int(number) > MAX_FORMAT_WIDTH for number in _DIGITS.findall(text)):
                raise _reject(
                    f"f-string widths must be at most {MAX_FORMAT_WIDTH}", node, self.source
                )
        self.visit(node.value)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        if node.is_async:
            raise _reject("async comprehensions are not allowed", node.iter, self.source)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
            raise _reject("augmented assignment to a slice is not allowed", node, self.source)
        self.generic_visit(node)


def _check_depth(tree: ast.AST, source: str) -> None:
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_AST_DEPTH:
            raise _reject(
                f"the expression is nested too deeply (more than {MAX_AST_DEPTH} levels)",
                node,
                source,
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


# --- instrumentation: the static check's run-time partner ------------------------------

_HELPERS: Mapping[str, Callable[..., Any]] = {
    "__sb_binop": _binary_operation,
    "__sb_attr": _get_attribute,
    "__sb_iter": _guarded_iter,
    "__sb_sized": _sized,
    "__sb_charged": _charged,
}


def _helper(name: str, *args: ast.expr, like: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])
    return ast.copy_location(call, like)


class _Instrumenter(ast.NodeTransformer):
    """Routes operators, attributes, loops and comparisons through the run-time guards."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        name = ast.Constant(type(node.op).__name__)
        return _helper("__sb_binop", name, node.left, node.right, like=node)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        self.generic_visit(node)
        name = ast.Constant(type(node.op).__name__)
        target = node.target
        if isinstance(target, ast.Name):
            current = ast.Name(id=target.id, ctx=ast.Load())
            value = _helper("__sb_binop", name, current, node.value, like=node)
            return ast.copy_location(ast.Assign(targets=[target], value=value), node)
        assert isinstance(target, ast.Subscript)  # the checker refuses anything else
        statements = [
            ast.Assign(targets=[ast.Name(id="__sb_obj", ctx=ast.Store())], value=target.value),
            ast.Assign(targets=[ast.Name(id="__sb_key", ctx=ast.Store())], value=target.slice),
            ast.Assign(
                targets=[_temporary_item(ast.Store())],
                value=_helper(
                    "__sb_binop", name, _temporary_item(ast.Load()), node.value, like=node
                ),
            ),
        ]
        return [ast.copy_location(statement, node) for statement in statements]

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        return _helper("__sb_attr", node.value, ast.Constant(node.attr), like=node)

    def visit_For(self, node: ast.For) -> ast.AST:
        self.generic_visit(node)
        node.iter = _helper("__sb_iter", node.iter, like=node.iter)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        node.iter = _helper("__sb_iter", node.iter, like=node.iter)
        return node

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):
            node.value = _helper("__sb_iter", node.value, like=node)
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        if any(isinstance(target, (ast.Tuple, ast.List)) for target in node.targets):
            node.value = _helper("__sb_iter", node.value, like=node.value)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        node.left = _helper("__sb_sized", node.left, like=node.left)
        node.comparators = [_helper("__sb_sized", c, like=c) for c in node.comparators]
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        self.generic_visit(node)
        node.value = _helper("__sb_sized", node.value, like=node.value)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.slice, ast.Slice):
            node.slice = _helper("__sb_sized", node.slice, like=node.slice)
        elif isinstance(node.ctx, ast.Load):
            return _helper("__sb_charged", node, like=node)
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        self.generic_visit(node)
        node.keys = [k if k is None else _helper("__sb_sized", k, like=k) for k in node.keys]
        return node

    def visit_Set(self, node: ast.Set) -> ast.AST:
        self.generic_visit(node)
        node.elts = [_helper("__sb_sized", element, like=element) for element in node.elts]
        return node


def _temporary_item(context: ast.expr_context) -> ast.Subscript:
    return ast.Subscript(
        value=ast.Name(id="__sb_obj", ctx=ast.Load()),
        slice=ast.Name(id="__sb_key", ctx=ast.Load()),
        ctx=context,
    )


# --- compiling and the public checks ---------------------------------------------------


def _parse(source: str, mode: _Mode) -> ast.AST:
    if len(source) > MAX_SOURCE_CHARS:
        raise ExpressionRejected(
            f"the text is {len(source):,} characters long (at most {MAX_SOURCE_CHARS:,})",
            source=source,
        )
    text = source.strip() if mode == "eval" else textwrap.dedent(source)
    try:
        return ast.parse(text, mode=mode)
    except SyntaxError as error:
        raise ExpressionRejected(
            f"invalid syntax: {error.msg}", lineno=error.lineno, col=error.offset, source=source
        ) from None
    except (RecursionError, MemoryError, ValueError) as error:
        # The parser gives up on very deep nesting and huge literals this way.
        raise ExpressionRejected(
            f"the text is too complex to read ({type(error).__name__})", lineno=1, source=source
        ) from None


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: _Mode) -> CodeType:
    """Check, instrument and compile; cached per text, so run time re-checks are cheap."""
    tree = _parse(source, mode)
    _check_depth(tree, source)
    _Checker(source, script=mode == "exec").visit(tree)
    instrumented = ast.fix_missing_locations(_Instrumenter().visit(tree))
    try:
        return compile(instrumented, "<sandbox>", mode, dont_inherit=True)
    except (SyntaxError, RecursionError, MemoryError) as error:  # e.g. `break` outside a loop
        raise _reject(f"invalid: {error}", None, source) from None


def check_expression(source: str) -> None:
    """Refuse an expression (condition, DMN input or output, timer) off the whitelist.

    Raises:
        ExpressionRejected: naming the first construct that is not allowed.
    """
    _compile(source, "eval")


def check_script(source: str) -> None:
    """Refuse a script task's script that uses anything off the whitelist.

    Raises:
        ExpressionRejected: naming the first construct that is not allowed.
    """
    _compile(source, "exec")


_DMN_INPUT = "dmninputexpr"
# The same pattern SpiffWorkflow's DMNEngine uses: a `?` outside quotes is the input value.
_DMN_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^\'\"]|[\'\"][^\'\"]*[\'\"])*$)")
_DMN_WORD_OPERATOR = re.compile(r"(not\s+in|in|is\s+not|is|and|or|if)\b")


def check_dmn_entry(source: str | None) -> None:
    """Refuse a DMN input entry the way SpiffWorkflow's DMN engine will evaluate it.

    Accepted forms: empty or `-` (any value), a value (`"kawin"`, `18`, `["a", "b"]`,
    compared with `==`), an operator and a value (`< 18`, `!= "WNI"`, ` in ("a", "b")`), or
    a test on `?`, the input's value (`18 <= ? < 60`, `? in ("a", "b")`).

    Raises:
        ExpressionRejected: if the combined expression would be refused.
    """
    if source is None or source.strip() in ("", "-"):
        return
    try:
        if _DMN_QUESTION_MARK.search(source):
            check_expression(_DMN_QUESTION_MARK.sub(_DMN_INPUT, source))
            return
        try:
            ast.parse(source.strip(), mode="eval")
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            # SpiffWorkflow appends the entry to the input expression without a space.
            if _DMN_WORD_OPERATOR.match(source):
                raise ExpressionRejected(
                    f"an entry starting with '{source.split()[0]}' is glued to the input "
                    "expression without a space; write it with '?', e.g. '? in (\"a\", \"b\")'",
                    source=source,
                ) from None
            check_expression(f"{_DMN_INPUT} {source}")
        else:
            check_expression(source)
    except ExpressionRejected as error:
        if error.source == source:
            raise
        raise ExpressionRejected(
            error.message, lineno=error.lineno, col=None, source=source
        ) from None


# --- task data in and out --------------------------------------------------------------


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
    _tick()
    if isinstance(value, (list, tuple, KeysView, ValuesView, ItemsView)):
        _tick(len(value))
        return [_to_json(item, where, depth + 1) for item in value]
    if isinstance(value, dict):
        _tick(len(value))
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


_BASE_NAMESPACE: Mapping[str, Any] = MappingProxyType(
    {"__builtins__": {}, **_HELPERS, **ALLOWED_FUNCTIONS}
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
        run = _Run(self._now, self._timezone, script, time.monotonic() + MAX_SECONDS)
        token = _RUN.set(run)
        try:
            yield
        finally:
            _RUN.reset(token)

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> Any:
        """Evaluate an expression against task data; return a JSON-native value."""
        code = _compile(expression, "eval")
        namespace = {**(external_context or {}), **context, **_BASE_NAMESPACE}
        with self._running(script=False):
            result = eval(code, namespace)  # noqa: S307 - checked and instrumented above
            return _to_json(result, "the expression's result")

    def execute(
        self,
        script: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> bool:
        """Run a script on a copy of the task data, then write back its JSON-native names."""
        code = _compile(script, "exec")
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


class SandboxScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """SpiffWorkflow's script engine with the sandbox's reasons kept in its error messages."""

    def validate(self, expression: str) -> None:
        """Parse only (SpiffWorkflow's DMN engine uses this to decide how to join entries)."""
        if len(expression) > MAX_SOURCE_CHARS:
            raise SyntaxError("the expression is too long")
        try:
            ast.parse(expression)
        except (RecursionError, MemoryError, ValueError) as error:
            raise SyntaxError(f"the expression is too complex ({error!r})") from None

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
