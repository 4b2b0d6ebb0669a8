"""Timer events that read the engine's clock, not the wall clock.

SpiffWorkflow's timer event definitions call `datetime.now()`; these read the
time of the input being applied (`engine.clock.input_time`), so a live run
and its replay see the same time. `engine.spiff` plugs them into the parser
and the serializer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import cast

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.task import Task

from engine.clock import input_time

__all__ = ["CLOCK_TIMERS", "ClockCycle", "ClockDuration", "ClockTimeDate", "timer_value"]


_ISO_LITERAL = re.compile(
    r"^(R\d*/)?(P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?)"
    r"(/P[0-9YMWDTHS.,]+)?$",
    re.IGNORECASE,
)


def timer_value(my_task: Task, expression: str) -> str:
    """A timer's ISO 8601 text: a literal as Camunda Modeler writes it, else evaluated."""
    text = expression.strip()
    if _ISO_LITERAL.match(text):
        return text
    return str(my_task.workflow.script_engine.evaluate(my_task, expression))


def _parse_utc(value: str) -> datetime:
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


class _FiresOnce:
    """A timer that fixes its due time at its first look and fires once an input reaches it."""

    expression: str

    def due(self, my_task: Task) -> datetime:
        """When the timer is due, judged at its first look (the input being applied)."""
        raise NotImplementedError

    def has_fired(self, my_task: Task) -> bool:
        """Whether the timer is due at the time of the input being applied."""
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = self.due(my_task).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if _parse_utc(event_value) <= input_time():
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class ClockTimeDate(_FiresOnce, TimeDateEventDefinition):  # type: ignore[misc]
    """A timeDate timer that fires by the engine's clock."""

    def due(self, my_task: Task) -> datetime:
        """The date the timer's expression gives."""
        when: datetime = TimerEventDefinition.parse_time_or_duration(
            timer_value(my_task, self.expression)
        )
        return when


class ClockDuration(_FiresOnce, DurationTimerEventDefinition):  # type: ignore[misc]
    """A duration timer that starts and fires by the engine's clock."""

    def due(self, my_task: Task) -> datetime:
        """The duration after the input that reached the timer."""
        parsed = TimerEventDefinition.parse_iso_duration(timer_value(my_task, self.expression))
        start = input_time()
        delta: timedelta = TimerEventDefinition.get_timedelta_from_start(parsed, start)
        return start + delta


class ClockCycle(CycleTimerEventDefinition):  # type: ignore[misc]
    """A cycle timer (R3/PT1H) driven by the engine's clock."""

    def cycle_complete(self, my_task: Task) -> bool:
        """Whether every repetition is done, counted by the engine's clock."""
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = timer_value(my_task, self.expression)
            cycles, start, duration = _recurring(expression)
            event_value = {
                "cycles": cycles,
                "next": start.isoformat(),
                "duration": duration.total_seconds(),
            }
        ready = False
        if event_value["cycles"] != 0:
            next_event = _parse_utc(event_value["next"])
            if next_event <= input_time():
                event_value["next"] = (
                    next_event + timedelta(seconds=event_value["duration"])
                ).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        if ready or event_value["cycles"] != 0:
            my_task._set_internal_data(event_value=event_value)
        return ready


def _recurring(expression: str) -> tuple[int, datetime, timedelta]:
    """Parse R[n]/duration with the start taken from the engine's clock."""
    components = expression.upper().replace("--", "/").strip("R").split("/")
    if len(components) == 2 and components[1].startswith("P"):
        cycles = int(components[0]) if components[0] else -1
        parsed = TimerEventDefinition.parse_iso_duration(components[1])
        start = input_time()
        duration = TimerEventDefinition.get_timedelta_from_start(parsed, start)
        return cycles, start + duration, duration
    result = TimerEventDefinition.parse_iso_recurring_interval(expression)
    return cast(tuple[int, datetime, timedelta], result)


CLOCK_TIMERS: dict[type, type] = {
    TimeDateEventDefinition: ClockTimeDate,
    DurationTimerEventDefinition: ClockDuration,
    CycleTimerEventDefinition: ClockCycle,
}
