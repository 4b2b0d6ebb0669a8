"""Run the LTSA processes directly on SpiffWorkflow (no engine).

Used while the engine is being written and to check the BPMN/DMN files in
isolation. The script environment offers the same helper functions as the
engine's sandbox (today, date, years_between, days_between, add_days,
add_months); today() is the harness's clock, never the wall clock.
"""

from __future__ import annotations

import calendar
from datetime import date as _date
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def _d(value):
    return value if isinstance(value, _date) else _date.fromisoformat(str(value)[:10])


def years_between(start, end):
    s, e = _d(start), _d(end)
    return e.year - s.year - ((e.month, e.day) < (s.month, s.day))


def days_between(a, b):
    return (_d(b) - _d(a)).days


def add_days(d, n):
    from datetime import timedelta

    return (_d(d) + timedelta(days=n)).isoformat()


def add_months(d, n):
    d = _d(d)
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    day = min(d.day, calendar.monthrange(y, m)[1])
    return _date(y, m, day).isoformat()


class Clock:
    today = _date(2026, 3, 2)


def make_engine(clock):
    env = TaskDataEnvironment({
        "today": lambda: clock.today.isoformat(),
        "date": lambda s: _d(s).isoformat(),
        "years_between": years_between,
        "days_between": days_between,
        "add_days": add_days,
        "add_months": add_months,
    })
    return PythonScriptEngine(environment=env)


def load(directory: Path = PROCESSES):
    parser = CamundaParser()
    for f in sorted(directory.glob("*.dmn")):
        parser.add_dmn_xml(etree.fromstring(f.read_bytes()), filename=str(f))
    for f in sorted(directory.glob("*.bpmn")):
        parser.add_bpmn_xml(etree.fromstring(f.read_bytes()), filename=str(f))
    return parser.get_spec("ltsa_placement"), parser.get_subprocess_specs("ltsa_placement")


class Run:
    """One case run on a bare BpmnWorkflow."""

    def __init__(self, data, directory: Path = PROCESSES, today=None):
        self.clock = Clock()
        if today:
            self.clock.today = today
        spec, subs = load(directory)
        self.wf = BpmnWorkflow(spec, subs, script_engine=make_engine(self.clock))
        self.wf.get_tasks(state=TaskState.READY)[0].data.update(data)
        self.wf.do_engine_steps()

    def ready(self):
        return self.wf.get_tasks(state=TaskState.READY, manual=True)

    def ready_names(self):
        return sorted(t.task_spec.name for t in self.ready())

    def desks(self):
        return sorted({t.task_spec.lane for t in self.ready()})

    def complete(self, name, data=None):
        tasks = [t for t in self.ready() if t.task_spec.name == name]
        assert tasks, f"{name} not ready; ready: {self.ready_names()}"
        task = tasks[0]
        task.data.update(data or {})
        task.run()
        self.wf.do_engine_steps()
        return self

    def message(self, name, payload):
        event = BpmnEvent(MessageEventDefinition(name),
                          payload={"payload": payload, "result_var": "job_order_verification"})
        self.wf.catch(event)
        self.wf.do_engine_steps()

    @property
    def data(self):
        if self.wf.is_completed():
            return self.wf.data | (self.wf.last_task.data if self.wf.last_task else {})
        return self.wf.last_task.data if self.wf.last_task else {}

    @property
    def status(self):
        if not self.wf.is_completed():
            return "active"
        return "rejected" if self.data.get("rejection_reason") else "completed"
