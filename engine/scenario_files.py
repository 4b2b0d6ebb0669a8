"""Scenario files (`processes/tests/*.yaml`): read with line marks into `Scenario` values.

The YAML is composed into nodes (PyYAML keeps each node's line) and turned
into frozen values here; anything malformed raises `ScenarioFileError` with
the file and line, never a traceback. Whether tasks, fields and messages
exist in the processes is checked by `engine.scenario_checks`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine.definitions import SourceFile
from engine.scenario_report import ScenarioFileError

__all__ = [
    "DEFAULT_CLOCK",
    "Duration",
    "Expectation",
    "Scenario",
    "Step",
    "load_scenarios",
    "parse_duration",
]

DEFAULT_CLOCK = datetime.fromisoformat("2026-03-02T09:00:00+07:00")
STEP_KINDS = ("task", "message", "advance", "withdraw")
SCENARIO_KEYS = ("name", "process", "description", "clock", "start", "steps", "expect")
EXPECT_KEYS = ("status", "reason_contains", "waiting_at", "tasks", "data")
MAX_FILE_BYTES = 1024 * 1024
MAX_NESTING = 8
MAX_DEPTH = 32  # nested mappings and lists in one value
MAX_VALUES = 100_000  # values read from one file, aliases counted each time (alias bombs)
MAX_STEPS = 1000  # steps of one scenario, shared steps spliced in
_DURATION = re.compile(
    r"P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration: whole months (calendar) plus a fixed time span."""

    text: str
    months: int
    span: timedelta

    def after(self, when: datetime) -> datetime:
        """`when` moved forward by this duration (months clamp to the month's last day)."""
        if self.months:
            month_index = when.month - 1 + self.months
            year, month = when.year + month_index // 12, month_index % 12 + 1
            last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
            when = when.replace(year=year, month=month, day=min(when.day, last))
        return when + self.span


def parse_duration(text: str) -> Duration | None:
    """An ISO 8601 duration such as ``P40D``, ``P1M``, ``PT12H``; None when it is not one."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        return None
    years, months, weeks, days, hours, minutes, seconds = (g or "0" for g in match.groups())
    span = timedelta(
        weeks=int(weeks),
        days=int(days),
        hours=int(hours),
        minutes=int(minutes),
        seconds=float(seconds),
    )
    return Duration(text.strip(), int(years) * 12 + int(months), span)


@dataclass(frozen=True)
class Expectation:
    """What must hold after a step or at the end; None means "not checked"."""

    line: int
    status: str | None = None
    reason_contains: str | None = None
    waiting_at: tuple[str, ...] | None = None
    tasks: tuple[str, ...] | None = None
    data: dict[str, Any] | None = None
    data_lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One input of a scenario: a task completed, a message, time passing, a withdrawal."""

    number: int
    line: int
    kind: str  # one of STEP_KINDS
    target: str  # task id, message name, duration text or withdrawal reason
    data: dict[str, Any] = field(default_factory=dict)
    data_lines: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # a plain scalar's text, by field
    duration: Duration | None = None
    expect: Expectation | None = None

    @property
    def label(self) -> str:
        """How failures name the step: ``registrasi``, ``message x``, ``advance P40D``."""
        return self.target if self.kind == "task" else f"{self.kind} {self.target}".strip()


@dataclass(frozen=True)
class Scenario:
    """One scenario: a case of `process` started with `start`, then `steps`, then `expect`."""

    name: str
    file: str
    line: int
    process: str
    clock: datetime
    start: dict[str, Any] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    expect: Expectation | None = None


def load_scenarios(files: Sequence[SourceFile]) -> list[Scenario]:
    """Read scenario files, in the order given.

    Raises:
        ScenarioFileError: a file is not valid YAML or not shaped as a scenario list.
    """
    scenarios: list[Scenario] = []
    for source in files:
        scenarios.extend(_Reader(source.name).read(source.content))
    return scenarios


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    """Turns one file's YAML nodes into scenarios; every error names the file and line."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.constructor = SafeConstructor()
        self.budget = MAX_VALUES

    def fail(self, node: Node | int | None, message: str) -> ScenarioFileError:
        line = node if isinstance(node, int) or node is None else _line(node)
        return ScenarioFileError(self.file, line, message)

    def read(self, content: bytes) -> list[Scenario]:
        if len(content) > MAX_FILE_BYTES:
            raise self.fail(None, f"file larger than {MAX_FILE_BYTES} bytes")
        try:
            text = content.decode("utf-8")
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except UnicodeDecodeError as exc:
            raise self.fail(None, f"not UTF-8 text ({exc.reason})") from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            raise self.fail(line, f"not valid YAML: {exc.problem or exc.context}") from None
        except yaml.YAMLError as exc:
            raise self.fail(None, f"not valid YAML: {exc}") from None
        if root is None:
            return []
        if not isinstance(root, SequenceNode):
            raise self.fail(root, "a scenario file is a list of scenarios (each item: - name: ...)")
        return [self.scenario(item) for item in root.value]

    # --- values ---------------------------------------------------------------------

    def value(self, node: Node, depth: int = 0) -> Any:
        self.budget -= 1
        if self.budget < 0 or depth > MAX_DEPTH:
            raise self.fail(node, "too many or too deeply nested values (aliases?)")
        if isinstance(node, MappingNode):
            items = self.mapping(node).items()
            return {key: self.value(child, depth + 1) for key, (_, child) in items}
        if isinstance(node, SequenceNode):
            return [self.value(child, depth + 1) for child in node.value]
        try:
            value = self.constructor.construct_object(node, deep=True)
        except ConstructorError as exc:
            raise self.fail(node, f"cannot read this value: {exc.problem}") from None
        if isinstance(value, bool) and str(node.value).lower() not in ("true", "false"):
            return str(node.value)  # yes/no/on/off stay text (country NO, answers "ya")
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bytes | set):
            raise self.fail(node, "binary values and sets are not supported")
        return value

    def mapping(self, node: Node, what: str = "value") -> dict[str, tuple[Node, Node]]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a mapping (key: value)")
        own = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
        try:
            self.constructor.flatten_mapping(node)  # YAML merge keys: <<: *anchor
        except ConstructorError as exc:
            raise self.fail(node, f"cannot merge: {exc.problem}") from None
        merged = len(node.value) - own  # merged pairs come first; the mapping's own override
        items: dict[str, tuple[Node, Node]] = {}
        own_keys: set[str] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "keys must be plain names")
            key = str(key_node.value)
            if index >= merged:
                if key in own_keys:
                    raise self.fail(key_node, f"{key!r} is given twice")
                own_keys.add(key)
            items[key] = (key_node, value_node)
        node.value = list(items.values())  # merged once: an alias to it reads the same
        return items

    def only(self, items: dict[str, tuple[Node, Node]], allowed: Sequence[str], what: str) -> None:
        for key, (key_node, _) in items.items():
            if key not in allowed:
                raise self.fail(
                    key_node, f"unknown key {key!r} in {what} (expected: {', '.join(allowed)})"
                )

    def text(self, node: Node, what: str) -> str:
        value = self.value(node)
        if isinstance(value, bool) or not isinstance(value, str | int | float) or value == "":
            raise self.fail(node, f"{what} must be a non-empty text")
        return str(value)

    def texts(self, node: Node, what: str) -> tuple[str, ...]:
        if isinstance(node, SequenceNode):
            return tuple(self.text(child, what) for child in node.value)
        return (self.text(node, what),)

    def data(self, node: Node, what: str) -> tuple[dict[str, Any], dict[str, int], dict[str, str]]:
        items = self.mapping(node, what)
        data, lines, texts = {}, {}, {}
        for key, (key_node, value_node) in items.items():
            data[key] = self.value(value_node)
            lines[key] = _line(key_node)
            if isinstance(value_node, ScalarNode) and not value_node.style:
                texts[key] = str(value_node.value)
        return data, lines, texts

    # --- shapes ---------------------------------------------------------------------

    def scenario(self, node: Node) -> Scenario:
        items = self.mapping(node, "a scenario")
        self.only(items, SCENARIO_KEYS, "a scenario")
        for required in ("name", "process"):
            if required not in items:
                raise self.fail(node, f"a scenario needs {required!r}")
        name = self.text(items["name"][1], "name")
        clock = DEFAULT_CLOCK
        if "clock" in items:
            clock = self.clock(items["clock"][1])
        start: dict[str, Any] = {}
        if "start" in items and not _is_null(items["start"][1]):
            start = self.data(items["start"][1], "start")[0]
        steps: list[Step] = []
        if "steps" in items and not _is_null(items["steps"][1]):
            steps_node = items["steps"][1]
            if not isinstance(steps_node, SequenceNode):
                raise self.fail(steps_node, "steps must be a list (each item: - task: ...)")
            for step_node in _flatten(steps_node.value):
                if len(steps) == MAX_STEPS:
                    raise self.fail(steps_node, f"more than {MAX_STEPS} steps")
                steps.append(self.step(step_node, len(steps) + 1))
        expect = self.expectation(items["expect"][1]) if "expect" in items else None
        return Scenario(
            name=name,
            file=self.file,
            line=_line(node),
            process=self.text(items["process"][1], "process"),
            clock=clock,
            start=start,
            steps=tuple(steps),
            expect=expect,
        )

    def clock(self, node: Node) -> datetime:
        text = self.text(node, "clock")
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(node, f"clock {text!r} is not an ISO 8601 date and time") from None
        if when.tzinfo is None:
            raise self.fail(node, "clock needs a time zone, e.g. 2026-03-02T09:00:00+07:00")
        return when

    def step(self, node: Node, number: int) -> Step:
        items = self.mapping(node, "a step")
        self.only(items, (*STEP_KINDS, "data", "expect"), "a step")
        kinds = [k for k in STEP_KINDS if k in items]
        if len(kinds) != 1:
            raise self.fail(node, "a step is exactly one of: " + ", ".join(STEP_KINDS))
        kind = kinds[0]
        value_node = items[kind][1]
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        texts: dict[str, str] = {}
        if "data" in items:
            if kind not in ("task", "message"):
                raise self.fail(items["data"][0], f"a {kind} step takes no data")
            if not _is_null(items["data"][1]):
                data, lines, texts = self.data(items["data"][1], "data")
        duration = None
        if kind == "advance":
            target = self.text(value_node, "advance")
            duration = parse_duration(target)
            if duration is None:
                raise self.fail(
                    value_node,
                    f"advance {target!r} is not an ISO 8601 duration (e.g. P40D, P2M, PT12H)",
                )
        else:
            target = self.text(value_node, kind)
        expect = self.expectation(items["expect"][1]) if "expect" in items else None
        return Step(number, _line(node), kind, target, data, lines, texts, duration, expect)

    def expectation(self, node: Node) -> Expectation:
        items = self.mapping(node, "expect")
        self.only(items, EXPECT_KEYS, "expect")
        found: dict[str, Any] = {}
        data_lines: dict[str, int] = {}
        for key, (_, value_node) in items.items():
            if key in ("waiting_at", "tasks"):
                found[key] = () if _is_null(value_node) else self.texts(value_node, key)
            elif key == "data":
                found[key], data_lines, _ = self.data(value_node, "expected data")
            else:
                found[key] = self.text(value_node, key)
        return Expectation(line=_line(node), data_lines=data_lines, **found)


def _flatten(nodes: list[Node], depth: int = 0) -> Iterator[Node]:
    """Steps, with nested lists (an alias `- *prefix` to shared steps) spliced in."""
    for node in nodes:
        if isinstance(node, SequenceNode) and depth < MAX_NESTING:
            yield from _flatten(node.value, depth + 1)
        else:
            yield node


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"
