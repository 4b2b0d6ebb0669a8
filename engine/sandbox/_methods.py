"""The run-time guards of attribute access and operators (`ALLOWED_ATTRIBUTES`).

The static check allows an attribute name; here the value's exact type must offer it,
and methods and operators that could make something huge are charged first.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from engine.sandbox._budget import CURRENT_RUN, allocate, charged, ordered, sized, tick
from engine.sandbox._limits import MAX_FORMAT_WIDTH, MAX_INT_BITS, SandboxLimitExceeded

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
MUTATING_NAMES = frozenset().union(*_MUTATING_ATTRIBUTES.values())
ALLOWED_ATTRIBUTES: frozenset[str] = frozenset().union(*_READ_ATTRIBUTES.values()) | (
    MUTATING_NAMES
)


def _guard_join(separator: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def join(items: Iterable[Any]) -> Any:
        parts = list(ordered(items))
        lengths = sum(len(part) for part in parts if isinstance(part, str))
        allocate(lengths + len(separator) * max(len(parts) - 1, 0))
        return method(parts)

    return join


def _guard_replace(text: str, method: Callable[..., Any]) -> Callable[..., Any]:
    def replace(old: Any, new: Any, count: int = -1) -> Any:
        if isinstance(old, str) and isinstance(new, str):
            found = text.count(old)
            found = found if count < 0 else min(found, count)
            allocate(len(text) + found * len(new))
        return method(old, new, count)

    return replace


def _guard_width(_: object, method: Callable[..., Any]) -> Callable[..., Any]:
    def pad(width: int, *args: Any) -> Any:
        allocate(width)
        return method(width, *args)

    return pad


def _guard_extend(items: list[Any], method: Callable[..., Any]) -> Callable[..., Any]:
    def extend(more: Iterable[Any]) -> Any:
        more = list(ordered(more))
        allocate(len(items) + len(more))
        return method(more)

    return extend


def _guard_walk(container: object, method: Callable[..., Any]) -> Callable[..., Any]:
    def walk(*args: Any, **kwargs: Any) -> Any:
        sized(container)
        for arg in args:
            sized(arg)
        return method(*args, **kwargs)

    return walk


_METHOD_GUARDS: Mapping[tuple[type, str], Callable[[Any, Callable[..., Any]], Any]] = {
    (str, "join"): _guard_join,
    (str, "replace"): _guard_replace,
    (list, "extend"): _guard_extend,
    **{(str, name): _guard_width for name in ("zfill", "ljust", "rjust", "center")},
    **{(list, name): _guard_walk for name in ("count", "index", "remove", "sort")},
    **{(tuple, name): _guard_walk for name in ("count", "index")},
}


def get_attribute(value: object, name: str) -> Any:
    """Run-time side of attribute access: the exact type must offer that name."""
    run = CURRENT_RUN.get()
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
        return charged(method(*args, **kwargs))

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


def binary_operation(name: str, left: Any, right: Any) -> Any:
    """Run-time side of every binary operator: refuse results that would be too large."""
    tick()
    if name == "Add" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        allocate(len(left) + len(right))
    elif name == "Mult":
        if isinstance(left, _SEQUENCES) and isinstance(right, int):
            allocate(len(left) * max(right, 0))
        elif isinstance(right, _SEQUENCES) and isinstance(left, int):
            allocate(len(right) * max(left, 0))
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
        sized(right)
    return _OPERATORS[name](left, right)
