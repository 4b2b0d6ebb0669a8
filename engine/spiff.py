"""SpiffWorkflow seams: the parser, clock-driven timers and the serializer.

SpiffWorkflow reads the wall clock in its timer events; the engine swaps in
timer definitions that read the time of the input being applied
(`engine.timer_events`), so live runs and replays see the same time.
Everything SpiffWorkflow-specific that the rest of the engine needs is
reached through this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, cast
from uuid import UUID

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.serializer.helpers.spec import EventDefinitionConverter
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import (
    CamundaParser,
)
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaEndEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import UserTaskParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.serializer.event_definition import (
    MessageEventDefinitionConverter,
)
from SpiffWorkflow.camunda.specs.event_definitions import (
    MessageEventDefinition as CamundaMessage,
)
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskIterator

from engine.timer_events import CLOCK_TIMERS, timer_value

__all__ = [
    "LtsaMessage",
    "LtsaParser",
    "external_message",
    "timer_value",
    "iter_all_tasks",
    "serializer",
    "state_from_dict",
    "state_to_dict",
]


class LtsaMessage(CamundaMessage):  # type: ignore[misc]
    """A message whose data merges into the case data.

    Camunda's message nests the payload under a result variable
    (``<task>_Response``); here the payload's fields land in the case data
    as they are, unless the designer names a ``camunda:resultVariable``.
    """

    def update_internal_data(self, my_task: Task, event: BpmnEvent) -> None:
        """Keep the delivered payload until the catching task completes."""
        my_task.internal_data[self.name] = event.payload

    def update_task_data(self, my_task: Task) -> None:
        """Merge the payload into the task data (or under the result variable)."""
        event_data = my_task.internal_data.get(self.name) or {}
        payload = event_data.get("payload")
        result_var = self.result_var or event_data.get("result_var")
        if result_var:
            my_task.data[result_var] = payload
        elif isinstance(payload, dict):
            my_task.data.update(payload)


class LtsaSignal(SignalEventDefinition):  # type: ignore[misc]
    """A signal that carries no data: each catching task keeps its own.

    SpiffWorkflow copies the thrower's data into every catching task. A signal
    thrown from a timer's branch would bring back the data of the moment the
    timer started (a complaint "received" after it was triaged) and, merged
    into the case data, hide the newer values.
    """

    def update_task_data(self, my_task: Task) -> None:
        """Leave the catching task's data as it is."""


def external_message(name: str, data: dict[str, Any]) -> BpmnEvent:
    """An event carrying a message from outside the case (API, CLI)."""
    return BpmnEvent(LtsaMessage(name), payload={"payload": data, "result_var": None})


class _ClockTimerParsing:
    """Mixin for event parsers: clock-driven timers, merging messages, data-free signals."""

    def parse_signal_event(self, signal_event: Any) -> Any:
        definition = super().parse_signal_event(signal_event)  # type: ignore[misc]
        return LtsaSignal(definition.name, description=definition.description)

    def parse_message_event(self, message_event: Any) -> Any:
        definition = super().parse_message_event(message_event)  # type: ignore[misc]
        return LtsaMessage(
            definition.name,
            definition.correlation_properties,
            definition.expression,
            definition.result_var,
        )

    def parse_timer_event(self, event: Any) -> Any:
        definition = super().parse_timer_event(event)  # type: ignore[misc]
        clock_class = CLOCK_TIMERS.get(type(definition))
        if clock_class is None:
            return definition
        return clock_class(
            definition.name, definition.expression, description=definition.description
        )


def _with_clock_timers(parser_class: type) -> type:
    return type(parser_class.__name__, (_ClockTimerParsing, parser_class), {})


class _GeneratedFormParser(UserTaskParser):  # type: ignore[misc]
    """User tasks, including Camunda 7's "generated task form".

    Camunda Modeler writes `camunda:formData` without a `camunda:formKey` for a
    form Camunda 7 generates from the fields; Camunda 7 runs it, and so does
    the engine: the task's id becomes its form key.
    """

    def get_form(self) -> Any:
        form = super().get_form()
        if form.key is None and form.fields:
            form.key = self.bpmn_id
        return form


class LtsaParser(CamundaParser):  # type: ignore[misc]
    """The Camunda dialect parser with the engine's timers and generated task forms."""

    OVERRIDE_PARSER_CLASSES = dict(CamundaParser.OVERRIDE_PARSER_CLASSES)
    OVERRIDE_PARSER_CLASSES[full_tag("userTask")] = (_GeneratedFormParser, UserTask)
    for _tag, (_parser_class, _spec_class) in list(OVERRIDE_PARSER_CLASSES.items()):
        if _parser_class in (
            CamundaStartEventParser,
            CamundaEndEventParser,
            CamundaIntermediateCatchEventParser,
            CamundaIntermediateThrowEventParser,
            CamundaBoundaryEventParser,
        ):
            OVERRIDE_PARSER_CLASSES[_tag] = (_with_clock_timers(_parser_class), _spec_class)
    del _tag, _parser_class, _spec_class


_PLAIN = "ltsa_plain_dict"


class _DataSafeRegistry(DefaultRegistry):  # type: ignore[misc]
    """SpiffWorkflow's registry, safe for case data with a ``typename`` key.

    The registry takes any dict with a ``typename`` key for one of its own
    objects when restoring; case data is the user's, so such dicts are
    wrapped on the way out and unwrapped on the way back.
    """

    def __init__(self) -> None:
        super().__init__()
        self.convert_from_dict[_PLAIN] = self._restore_plain

    def convert(self, obj: Any) -> Any:
        if type(obj) is dict and "typename" in obj and not self._encoder_mode:
            return {
                "typename": _PLAIN,
                "items": {k: self.convert(v) for k, v in self.clean(obj).items()},
            }
        return super().convert(obj)

    def _restore_plain(self, dct: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {k: self.restore(v, **kwargs) for k, v in dct["items"].items()}


class _TaskConverter(TaskConverter):  # type: ignore[misc]
    """SpiffWorkflow's task converter, with task data going through the registry.

    The stock converter writes task data as it is but restores it through the
    registry; data that looks like a registered object would not survive.
    """

    def to_dict(self, task: Task) -> dict[str, Any]:
        dct: dict[str, Any] = super().to_dict(task)
        dct["data"] = self.registry.convert(dct["data"])
        if dct.get("delta"):
            dct["delta"]["updates"] = self.registry.convert(dct["delta"]["updates"])
        return dct


_specs_included: ContextVar[bool] = ContextVar("specs_included", default=True)
# The spec objects to restore a workflow on, instead of rebuilding them from their dicts.
_given_specs: ContextVar[tuple[Any, dict[str, Any]] | None] = ContextVar(
    "given_specs", default=None
)


class _WorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """SpiffWorkflow's workflow converter, able to leave the specs out.

    A case's snapshot needs only its tasks and data: the process version
    holds the specs, and converting them is most of the cost of a snapshot.
    """

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        if _specs_included.get():
            return cast(dict[str, Any], super().to_dict(workflow))
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        given = _given_specs.get()
        if given is None:
            return cast(BpmnWorkflow, super().from_dict(dct))
        # SpiffWorkflow's own from_dict, with the version's parsed specs (shared, like a
        # new case's) instead of specs rebuilt from their dicts on every restore.
        spec, subprocess_specs = given
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def state_to_dict(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The serialized workflow without `spec` and `subprocess_specs`."""
    token = _specs_included.set(False)
    try:
        return cast(dict[str, Any], serializer.to_dict(workflow))
    finally:
        _specs_included.reset(token)


def state_from_dict(
    dct: dict[str, Any], spec: Any, subprocess_specs: dict[str, Any]
) -> BpmnWorkflow:
    """Restore a workflow written by `state_to_dict` on already parsed specs."""
    token = _given_specs.set((spec, subprocess_specs))
    try:
        return cast(BpmnWorkflow, serializer.from_dict(dct))
    finally:
        _given_specs.reset(token)


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[Task] = _TaskConverter
    config[BpmnWorkflow] = _WorkflowConverter
    for clock_class in CLOCK_TIMERS.values():
        config[clock_class] = TimerConditionalEventDefinitionConverter
    config[LtsaMessage] = MessageEventDefinitionConverter
    config[LtsaSignal] = EventDefinitionConverter
    registry = BpmnWorkflowSerializer.configure(config, registry=_DataSafeRegistry())
    return BpmnWorkflowSerializer(registry)


serializer = _make_serializer()


def iter_all_tasks(workflow: BpmnWorkflow) -> Iterator[Task]:
    """Yield every task of a case, top workflow first, then each subprocess.

    The order depends only on the inputs the case received, never on task
    UUIDs, so it is the same in a live run and in a replay. There is no depth
    limit: SpiffWorkflow's own iterator stops at depth 1,000.
    """
    yield from TaskIterator(workflow.task_tree, max_depth=2**62)
    for subprocess in workflow.subprocesses.values():
        yield from TaskIterator(subprocess.task_tree, max_depth=2**62)
