"""Completion cost: the same inputs through raw SpiffWorkflow, naive persistence and the engine.

Every contender is a factory of cases with `apply(Input)` and
`state_bytes()`; the timing code does not know which one it runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from bench.baselines import Input, NaiveCase, NaiveStore, RawCase, Specs, load_specs
from bench.workloads import LOOP_BPMN, LOOP_KEY, LTSA_KEY, PROCESSES, loop_input
from engine import Actor, Desk, Engine, ManualClock, Role

__all__ = [
    "ACTOR",
    "Contender",
    "EngineCase",
    "Growth",
    "contenders",
    "growth",
    "loop_cost",
    "ltsa_cost",
    "open_engine",
]

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ACTOR = Actor("bench", Role.OFFICER, tuple(d.value for d in Desk))


class Case(Protocol):
    """One running case of a contender."""

    def apply(self, step: Input) -> None: ...

    def state_bytes(self) -> int: ...


Contender = Callable[[str], Case]  # process key -> a new case


def open_engine(url: str | None, data_dir: Path) -> Engine:
    """An engine with a manual clock, its schema, the loop and the LTSA processes."""
    eng = Engine(database_url=url, data_dir=data_dir, clock=ManualClock(START))
    eng.init_db()
    eng.deploy([LOOP_BPMN], actor="bench")
    eng.deploy([PROCESSES], actor="bench")
    return eng


class EngineCase:
    """A case driven through the engine's public API, as a desk officer would."""

    def __init__(self, eng: Engine, key: str) -> None:
        self.eng = eng
        self.view = eng.start(key, {}, ACTOR)

    def apply(self, step: Input) -> None:
        """Complete the ready task named by the input, or deliver its message."""
        if step.kind == "message":
            self.view = self.eng.send_message(self.view.id, step.name, step.data, ACTOR)
            return
        ready = [t for t in self.view.ready_tasks if t.name == step.name]
        if not ready:
            names = [t.name for t in self.view.ready_tasks]
            raise RuntimeError(
                f"engine: no ready task {step.name!r} (case {self.view.status}, ready: {names})"
            )
        self.view = self.eng.complete_task(ready[0].id, step.data, ACTOR)

    def state_bytes(self) -> int:
        """The size of the case's snapshot (serialized workflow, refs, status)."""
        return len(self.eng.workflow_state(self.view.id).to_json().encode())


def recorded_inputs(eng: Engine, case_id: int) -> list[Input]:
    """The inputs a case received, as the workflow saw them (uploads already stored)."""
    steps = []
    for event in eng.history(case_id):
        if event.kind == "task_completed" and event.task_ref:
            name = event.task_ref.split("#", 1)[0].rpartition("/")[2]
            steps.append(Input("task", name, dict(event.payload.get("data", {}))))
        elif event.kind == "message_received":
            steps.append(Input("message", event.payload["name"], event.payload.get("data", {})))
    return steps


def baseline_specs() -> dict[str, Specs]:
    """The loop and the LTSA process parsed by SpiffWorkflow's CamundaParser."""
    ltsa_files = sorted(PROCESSES.glob("*.bpmn")) + sorted(PROCESSES.glob("*.dmn"))
    return {
        LOOP_KEY: load_specs(LOOP_KEY, [LOOP_BPMN]),
        LTSA_KEY: load_specs(LTSA_KEY, ltsa_files),
    }


def contenders(
    specs: dict[str, Specs], naive_store: NaiveStore, engines: dict[str, Engine]
) -> dict[str, Contender]:
    """Every contender by name: raw, naive, and the engine on each database."""
    found: dict[str, Contender] = {
        "raw": lambda key: RawCase(specs[key]),
        "naive": lambda key: NaiveCase(naive_store, specs[key]),
    }
    for name, eng in engines.items():
        found[f"engine_{name}"] = lambda key, eng=eng: EngineCase(eng, key)
    return found


def _timed(case: Case, step: Input) -> float:
    started = time.perf_counter()
    case.apply(step)
    return (time.perf_counter() - started) * 1000


def loop_cost(make: Contender, cases: int, iterations: int) -> list[float]:
    """Milliseconds of each completion of the loop's task, iterations 1..n, in fresh cases."""
    costs = []
    for _ in range(cases):
        case = make(LOOP_KEY)
        for i in range(1, iterations + 1):
            costs.append(_timed(case, loop_input(i)))
    return costs


def ltsa_cost(make: Contender, inputs: Sequence[Input], cases: int) -> list[float]:
    """Milliseconds per input of whole LTSA cases, registration to departure."""
    costs = []
    for _ in range(cases):
        case = make(LTSA_KEY)
        for step in inputs:
            costs.append(_timed(case, step))
    return costs


@dataclass
class Growth:
    """Cost of a completion around given loop iterations, and the state size there."""

    ms: dict[str, float | None]
    state_bytes: dict[str, int | None]
    failure: str | None = None


def growth(make: Contender, levels: Sequence[int], window: int = 10) -> Growth:
    """Drive one loop case to the last level; average `window` completions around each level.

    The window around level L is iterations L-window/2+1 .. L+window/2, so for the
    engine it holds exactly one snapshot write (one every 10 events).
    """
    half = window // 2
    last = max(levels) + half
    case = make(LOOP_KEY)
    costs: dict[int, float] = {}
    sizes: dict[str, int | None] = {str(level): None for level in levels}
    failure = None
    for i in range(1, last + 1):
        try:
            costs[i] = _timed(case, loop_input(i))
        except Exception as exc:  # the finding is the error text, recorded as is
            failure = f"iteration {i}: {type(exc).__name__}: {exc}"
            break
        if i in levels:
            sizes[str(i)] = case.state_bytes()
    ms: dict[str, float | None] = {}
    for level in levels:
        window_costs = [costs[i] for i in range(level - half + 1, level + half + 1) if i in costs]
        ms[str(level)] = statistics.fmean(window_costs) if len(window_costs) == window else None
    return Growth(ms, sizes, failure)


def summary(costs: Sequence[float]) -> dict[str, Any]:
    """Median, mean and p95 of a list of milliseconds."""
    ordered = sorted(costs)
    return {
        "median": statistics.median(ordered),
        "mean": statistics.fmean(ordered),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "n": len(ordered),
    }
