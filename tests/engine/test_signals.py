"""Signals: a broadcast reaches the tasks that wait for it, and carries no data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import Actor, Engine, SourceFile

OFFICER = Actor("ani", "officer", ("disnaker",))


def _user_task(task_id: str, field: str, incoming: str, outgoing: str) -> str:
    return f"""
    <bpmn:userTask id="{task_id}" name="{task_id}" camunda:formKey="{task_id}">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="{field}" label="{field}" type="string" />
      </camunda:formData></bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>
    </bpmn:userTask>"""


NODES = ["start", "fork", "first", "work", "caught", "remind", "end_remind", "ping", "shout"]
NODES += ["end_shout", "end_work"]
BPMN = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_sig" targetNamespace="http://ltsa.test">
  <bpmn:collaboration id="collab">
    <bpmn:participant id="pool" processRef="sig" />
  </bpmn:collaboration>
  <bpmn:signal id="nudge" name="nudge" />
  <bpmn:process id="sig" name="Signal test" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="disnaker" name="Disnaker">
      {"".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in NODES)}
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:parallelGateway id="fork">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:parallelGateway>
    {_user_task("first", "x", "f2", "f4")}
    {_user_task("work", "done", "f4", "f5")}
    <bpmn:endEvent id="end_work"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:boundaryEvent id="caught" attachedToRef="work" cancelActivity="false">
      <bpmn:outgoing>f6</bpmn:outgoing><bpmn:signalEventDefinition signalRef="nudge" />
    </bpmn:boundaryEvent>
    {_user_task("remind", "note", "f6", "f7")}
    <bpmn:endEvent id="end_remind"><bpmn:incoming>f7</bpmn:incoming></bpmn:endEvent>
    {_user_task("ping", "x", "f3", "f8")}
    <bpmn:intermediateThrowEvent id="shout">
      <bpmn:incoming>f8</bpmn:incoming><bpmn:outgoing>f9</bpmn:outgoing>
      <bpmn:signalEventDefinition signalRef="nudge" />
    </bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="end_shout"><bpmn:incoming>f9</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork" />
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="first" />
    <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="ping" />
    <bpmn:sequenceFlow id="f4" sourceRef="first" targetRef="work" />
    <bpmn:sequenceFlow id="f5" sourceRef="work" targetRef="end_work" />
    <bpmn:sequenceFlow id="f6" sourceRef="caught" targetRef="remind" />
    <bpmn:sequenceFlow id="f7" sourceRef="remind" targetRef="end_remind" />
    <bpmn:sequenceFlow id="f8" sourceRef="ping" targetRef="shout" />
    <bpmn:sequenceFlow id="f9" sourceRef="shout" targetRef="end_shout" />
  </bpmn:process>
</bpmn:definitions>
"""


def _ready(eng: Engine, case_id: int) -> dict[str, int]:
    return {t.name: t.id for t in eng.get_case(case_id).ready_tasks}


def test_a_signal_reaches_the_waiting_task_and_leaves_its_data_alone(
    make_engine: Callable[..., Any],
) -> None:
    eng: Engine = make_engine()
    eng.deploy([SourceFile("sig.bpmn", BPMN.encode())], actor="designer", skip_tests=True)
    case = eng.start("sig", {}, OFFICER)
    eng.complete_task(_ready(eng, case.id)["first"], {"x": "newer"}, OFFICER)
    assert set(_ready(eng, case.id)) == {"work", "ping"}
    eng.complete_task(_ready(eng, case.id)["ping"], {"x": "thrower's"}, OFFICER)
    assert set(_ready(eng, case.id)) == {"work", "remind"}
    assert eng.get_case(case.id).data["x"] == "newer"
    eng.complete_task(_ready(eng, case.id)["remind"], {"note": "seen"}, OFFICER)
    assert set(_ready(eng, case.id)) == {"work"}
    assert eng.verify(case.id).intact
