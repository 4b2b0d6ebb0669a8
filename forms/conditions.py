"""The ``visible_if`` condition language: a tiny parser, evaluator and JSON Schema translation.

Grammar (no eval; literals are quoted strings, integers, ``true``/``false``)::

    expr    := and_expr ("or" and_expr)*
    and_expr:= atom ("and" atom)*
    atom    := "(" expr ")" | IDENT ("==" | "!=") literal
             | IDENT ["not"] "in" "[" literal ("," literal)* "]"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Literal = str | int | bool

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'[^'\\]*'|"[^"\\]*")
      | (?P<number>-?[0-9]+)
      | (?P<op>==|!=|\(|\)|\[|\]|,)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "in", "not", "true", "false"}


class ConditionSyntaxError(ValueError):
    """The condition text does not follow the grammar."""


def json_equal(left: Any, right: Any) -> bool:
    """Compare as JSON does: ``True`` is not ``1``, ``1`` equals ``1.0``."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and bool(left == right)


@dataclass(frozen=True)
class Compare:
    """``field == v``, ``field != v``, ``field in [...]`` or ``field not in [...]``."""

    field: str
    values: tuple[Literal, ...]
    negated: bool

    def evaluate(self, data: Mapping[str, Any]) -> bool:
        """Return the truth of the comparison on ``data`` (a missing field is null)."""
        value = data.get(self.field)
        found = any(json_equal(value, literal) for literal in self.values)
        return found != self.negated

    def json_schema(self) -> dict[str, Any]:
        """Return a JSON Schema that an object satisfies exactly when the comparison holds."""
        positive = {
            "properties": {self.field: {"enum": list(self.values)}},
            "required": [self.field],
        }
        return {"not": positive} if self.negated else positive

    def fields(self) -> set[str]:
        """Return the field ids the condition reads."""
        return {self.field}

    def to_json(self) -> dict[str, Any]:
        """Return a JSON form for client-side scripts."""
        return {"field": self.field, "in": list(self.values), "not": self.negated}


@dataclass(frozen=True)
class Junction:
    """All (``and``) or any (``or``) of the parts."""

    kind: str  # "and" | "or"
    parts: tuple[Condition, ...]

    def evaluate(self, data: Mapping[str, Any]) -> bool:
        """Return the truth of the junction on ``data``."""
        results = (part.evaluate(data) for part in self.parts)
        return all(results) if self.kind == "and" else any(results)

    def json_schema(self) -> dict[str, Any]:
        """Return the JSON Schema equivalent (``allOf`` / ``anyOf``)."""
        key = "allOf" if self.kind == "and" else "anyOf"
        return {key: [part.json_schema() for part in self.parts]}

    def fields(self) -> set[str]:
        """Return the field ids the condition reads."""
        return set().union(*(part.fields() for part in self.parts))

    def to_json(self) -> dict[str, Any]:
        """Return a JSON form for client-side scripts."""
        return {self.kind: [part.to_json() for part in self.parts]}


Condition = Compare | Junction


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            raise ConditionSyntaxError(f"unexpected text at {stripped[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ConditionSyntaxError("unexpected end of condition")
        if expected is not None and token[1] != expected:
            raise ConditionSyntaxError(f"expected {expected!r}, found {token[1]!r}")
        self.index += 1
        return token

    def at(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token[1] == word

    def junction(self, kind: str, parse_part: str) -> Condition:
        parts = [getattr(self, parse_part)()]
        while self.at(kind):
            self.take()
            parts.append(getattr(self, parse_part)())
        return parts[0] if len(parts) == 1 else Junction(kind, tuple(parts))

    def expr(self) -> Condition:
        return self.junction("or", "and_expr")

    def and_expr(self) -> Condition:
        return self.junction("and", "atom")

    def atom(self) -> Condition:
        if self.at("("):
            self.take()
            inner = self.expr()
            self.take(")")
            return inner
        kind, name = self.take()
        if kind != "word" or name in _KEYWORDS:
            raise ConditionSyntaxError(f"expected a field id, found {name!r}")
        negated = False
        if self.at("not"):
            self.take()
            self.take("in")
            return Compare(name, self.literal_list(), negated=True)
        if self.at("in"):
            self.take()
            return Compare(name, self.literal_list(), negated=False)
        _, op = self.take()
        if op not in ("==", "!="):
            raise ConditionSyntaxError(f"expected ==, != or in after {name!r}, found {op!r}")
        negated = op == "!="
        return Compare(name, (self.literal(),), negated=negated)

    def literal_list(self) -> tuple[Literal, ...]:
        self.take("[")
        values = [self.literal()]
        while self.at(","):
            self.take()
            values.append(self.literal())
        self.take("]")
        return tuple(values)

    def literal(self) -> Literal:
        kind, text = self.take()
        if kind == "string":
            return text[1:-1]
        if kind == "number":
            return int(text)
        if text in ("true", "false"):
            return text == "true"
        raise ConditionSyntaxError(
            f"expected a quoted value, number, true or false, found {text!r}"
        )


def parse_condition(text: str) -> Condition:
    """Parse ``text`` into a condition; raise ConditionSyntaxError when it is malformed."""
    parser = _Parser(text)
    if not parser.tokens:
        raise ConditionSyntaxError("empty condition")
    condition = parser.expr()
    rest = parser.peek()
    if rest is not None:
        raise ConditionSyntaxError(f"unexpected {rest[1]!r}")
    return condition
