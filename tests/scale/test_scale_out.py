"""Scale-out on PostgreSQL: two web processes, two timer workers, hundreds of cases at once.

The cases (`scale_probe.bpmn`: intake, a PT1S timer, review with a PT2S
non-interrupting SLA timer that opens an escalation, then an embassy message)
are driven over HTTP by a bounded client (`scale_driver.py`), with two
officers racing for the same task on two servers and the message delivered
twice. Afterwards the engine, in-process, judges every journal against what
the clients were told: nothing lost, nothing doubled, no trace of a refusal.
The second test SIGKILLs one web process and one worker halfway through.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from scale_cluster import Cluster
from scale_driver import PROCESS, Driver, Request
from sqlalchemy import create_engine, text

from engine import EventKind

pytestmark = pytest.mark.scale

CASES = int(os.environ.get("LTSA_SCALE_CASES", "200"))
EXPECTED_TASKS = {f"{PROCESS}/intake#1", f"{PROCESS}/escalate#1", f"{PROCESS}/review#1"}
EXPECTED_TIMERS = {f"{PROCESS}/cool_down#1", f"{PROCESS}/sla#1"}
_MARK = re.compile(r"m(\d+)-")


@dataclass
class Judgement:
    """What the journals say about the clients' requests."""

    problems: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    timer_lags: list[float] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 40:
            self.problems.append(text)
        self.counts["problems"] += 1


def _number(value: Any) -> int | None:
    """The request number in a mark, an intake's `n`, or None."""
    if isinstance(value, int):
        return value
    found = _MARK.search(str(value)) if value is not None else None
    return int(found.group(1)) if found else None


def _event_number(kind: EventKind, payload: dict[str, Any]) -> int | None:
    data = payload.get("data") or {}
    if kind is EventKind.CASE_STARTED:
        return _number(data.get("full_name"))
    if kind is EventKind.TASK_COMPLETED:
        return _number(data["n"]) if "n" in data else _number(data.get("note"))
    if kind is EventKind.MESSAGE_RECEIVED:
        return _number(data.get("mark"))
    return None


def probe_idempotency_header(cluster: Cluster) -> tuple[bool, list[int]]:
    """Does `Idempotency-Key` reach the engine? One start, twice, one key, both servers."""
    driver = Driver([s.port for s in cluster.servers if s.port], cluster.tokens)
    key = f"probe-{uuid.uuid4().hex}"
    ids = []
    for server in (0, 1):
        req = Request(0, "start", f"probe-{server}", driver.officers[0], key)
        body = {"process": PROCESS, "data": {"full_name": "idempotency probe"}}
        driver.send(req, "POST", "/api/v1/cases", body, server)
        assert req.status == 201, req.body
        ids.append(req.body["id"])
    return ids[0] == ids[1], sorted(set(ids))


def judge(cluster: Cluster, driver: Driver, probes: list[int], *, header: bool) -> Judgement:
    """Compare every journal with every answer the clients got."""
    eng = cluster.engine
    verdict = Judgement()
    runs = {r.case_id: r for r in driver.runs if r.case_id is not None}
    for run in driver.runs:
        if run.error:
            verdict.problem(f"case run {run.index} (case {run.case_id}) failed: {run.error}")
    by_number: dict[int, list[Request]] = defaultdict(list)
    for req in driver.requests:
        number = _number(req.mark)
        assert number is not None
        by_number[number].append(req)
    seen: set[int] = set()
    case_ids = sorted({c.id for offset in range(0, 10_000, 500) for c in _page(eng, offset)})
    for case_id in case_ids:
        _judge_case(eng, case_id, runs, probes, by_number, seen, verdict)
    for req in driver.requests:
        _judge_request(req, seen, header, verdict)
    unknown = set(case_ids) - set(runs) - set(probes)
    for case_id in sorted(unknown):
        verdict.problem(f"case {case_id} exists but no client was told it started (doubled start?)")
    verdict.counts["cases_in_database"] = len(case_ids)
    return verdict


def _page(eng: Any, offset: int) -> list[Any]:
    return list(eng.list_cases(process_key=PROCESS, limit=500, offset=offset))


def _judge_case(
    eng: Any,
    case_id: int,
    runs: dict[int, Any],
    probes: list[int],
    by_number: dict[int, list[Request]],
    seen: set[int],
    verdict: Judgement,
) -> None:
    if not eng.verify(case_id).intact:
        verdict.problem(f"case {case_id}: journal does not verify")
    events = eng.history(case_id)
    verdict.counts["events"] += len(events)
    completed = Counter(e.task_ref for e in events if e.kind is EventKind.TASK_COMPLETED)
    fired = Counter(e.task_ref for e in events if e.kind is EventKind.TIMER_FIRED)
    messages = sum(1 for e in events if e.kind is EventKind.MESSAGE_RECEIVED)
    for ref, times in (completed + fired).items():
        if times > 1:
            verdict.problem(f"case {case_id}: {ref} journaled {times} times")
    for event in events:
        if event.kind is EventKind.TIMER_FIRED:
            due = event.payload["due_at"]
            # journaled at its due time; when a worker (or an input) noticed it is kept aside
            noticed = _parse(event.payload.get("noticed_at", event.recorded_at.isoformat()))
            verdict.timer_lags.append((noticed - _parse(due)).total_seconds())
        number = _event_number(event.kind, event.payload)
        if number is None:
            continue
        seen.add(number)
        owners = [r for r in by_number.get(number, []) if r.action == _action(event.kind)]
        if case_id in probes:
            continue
        if not owners:
            verdict.problem(f"case {case_id}: event {event.seq} ({event.kind}) from no request")
        elif event.kind is EventKind.TASK_COMPLETED and any(
            r.case_id not in (None, case_id) or r.task_ref != event.task_ref for r in owners
        ):
            verdict.problem(f"case {case_id}: event {event.seq} from another case or task")
    if case_id in probes:
        return
    case = eng.get_case(case_id)
    if case_id not in runs:
        return
    if case.status != "completed":
        verdict.problem(f"case {case_id} is {case.status}, not completed")
    if set(completed) != EXPECTED_TASKS or set(fired) != EXPECTED_TIMERS or messages != 1:
        verdict.problem(
            f"case {case_id}: tasks {dict(completed)}, timers {dict(fired)}, messages {messages}"
        )
    verdict.counts["cases_checked"] += 1


def _judge_request(req: Request, seen: set[int], header: bool, verdict: Judgement) -> None:
    """Every 2xx is in a journal; no refusal is; a 409 means someone else did it."""
    number = _number(req.mark)
    journaled = number in seen
    verdict.counts[f"{req.action}_{req.status}"] += 1
    if req.lost_answer:  # retried after a dropped connection or a 5xx
        landed = "first_attempt_landed" if journaled else "first_attempt_lost"
        verdict.counts[f"retried_{req.action}_{req.status}_{landed}"] += 1
    if req.ok and not journaled:
        verdict.problem(
            f"request {req.id} ({req.action}) answered {req.status}, not in the journal"
        )
    elif req.status == 409 and journaled and req.action == "complete":
        if req.lost_answer and not header:
            verdict.counts["lost_answer_resolved_by_journal"] += 1
        else:
            verdict.problem(
                f"request {req.id} answered 409 but its data is in the journal"
                + (" (retried with its Idempotency-Key)" if req.lost_answer else "")
            )
    elif req.status == 422 and journaled:
        verdict.problem(f"request {req.id} answered 422 but its data is in the journal")
    elif req.status not in (200, 201, 409, 422, None):
        verdict.problem(f"request {req.id} ({req.action}) answered {req.status}: {req.body}")


def _action(kind: EventKind) -> str:
    return {
        EventKind.CASE_STARTED: "start",
        EventKind.TASK_COMPLETED: "complete",
        EventKind.MESSAGE_RECEIVED: "message",
    }[kind]


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _timers_table(url: str) -> dict[str, int]:
    """Timer rows by state (read straight from the table: the projection the workers use)."""
    db = create_engine(url)
    try:
        with db.connect() as connection:
            rows = connection.execute(text("SELECT state, count(*) FROM timers GROUP BY state"))
            return {str(state): int(count) for state, count in rows}
    finally:
        db.dispose()


def _report(name: str, driver: Driver, verdict: Judgement, **extra: Any) -> str:
    lags = sorted(verdict.timer_lags) or [0.0]
    lines = [
        f"[{name}] {driver.summary()}",
        f"[{name}] journal: {dict(verdict.counts)}",
        f"[{name}] timer lag s: p50 {lags[len(lags) // 2]:.2f}, "
        f"p95 {lags[int(len(lags) * 0.95) - 1 if len(lags) > 1 else 0]:.2f}, max {lags[-1]:.2f}",
        f"[{name}] {extra}",
    ]
    return "\n".join(lines)


def test_two_servers_and_two_workers_complete_every_case_exactly_once(cluster: Cluster) -> None:
    header, probes = probe_idempotency_header(cluster)
    driver = Driver([s.port for s in cluster.servers if s.port], cluster.tokens)
    began = time.monotonic()
    driver.run(CASES, deadline=180)
    driven = time.monotonic() - began
    for proc in cluster.all():
        assert proc.popen.poll() is None, f"{proc.name} died:\n{proc.log_tail()}"
    verdict = judge(cluster, driver, probes, header=header)
    timers = _timers_table(cluster.database_url)
    print(
        _report(
            "steady",
            driver,
            verdict,
            drive_s=round(driven, 1),
            judge_s=round(time.monotonic() - began - driven, 1),
            idempotency_header=header,
            timers=timers,
        )
    )
    assert not verdict.problems, "\n".join(verdict.problems) + "\n" + cluster.logs()
    assert verdict.counts["cases_checked"] == CASES
    assert verdict.counts["complete_409"] > 0, "the races never collided"
    assert verdict.counts["complete_422"] == len(range(0, CASES, 5))
    assert timers == {"fired": 2 * CASES}


def _leases_held(url: str, pid: int, *, any_time: bool = False) -> list[tuple[int, str]]:
    """(case, timer ref) of waiting timers leased by the worker process `pid` (now, or ever)."""
    db = create_engine(url)
    try:
        with db.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT case_id, ref FROM timers WHERE state = 'waiting' "
                    "AND leased_by LIKE :worker AND (leased_until > now() OR :any_time)"
                ),
                {"worker": f"worker-{pid}-%", "any_time": any_time},
            )
            return [(int(case_id), str(ref)) for case_id, ref in rows]
    finally:
        db.dispose()


class Killer(threading.Thread):
    """SIGKILL one server and one worker once `share` of the cases are past their intake.

    It waits (bounded) for a moment when the worker holds leases on due
    timers, so the kill lands in the middle of a job.
    """

    PAST_INTAKE = ("wait_timers", "escalate", "review", "message")

    def __init__(self, cluster: Cluster, driver: Driver, share: float) -> None:
        super().__init__(name="killer", daemon=True)
        self.cluster, self.driver, self.share = cluster, driver, share
        self.stop = threading.Event()
        self.killed_at: float | None = None
        self.leases_at_kill: list[tuple[int, str]] = []
        self.orphaned: list[tuple[int, str]] = []  # still waiting after the kill
        self.killed_wall = datetime.now(UTC)

    def run(self) -> None:
        needed = int(len(self.driver.runs) * self.share) if self.driver.runs else CASES
        while not self.stop.is_set():
            counts = self.driver.stage_counts()
            past = sum(counts[s] for s in self.PAST_INTAKE) + counts["done"]
            if past + sum(1 for r in self.driver.runs if r.finished_at) >= needed:
                break
            self.stop.wait(0.05)
        if self.stop.is_set():
            return
        server, worker = self.cluster.servers[0], self.cluster.workers[0]
        url = self.cluster.database_url
        give_up = time.monotonic() + 15
        while time.monotonic() < give_up and not self.stop.is_set():
            self.leases_at_kill = _leases_held(url, worker.popen.pid)
            if self.leases_at_kill:
                break
            self.stop.wait(0.02)
        worker.kill()
        server.kill()
        self.killed_at = time.monotonic()
        self.killed_wall = datetime.now(UTC)
        self.orphaned = _leases_held(url, worker.popen.pid, any_time=True)


def test_kill_9_of_a_server_and_a_worker_loses_and_doubles_nothing(cluster: Cluster) -> None:
    header, probes = probe_idempotency_header(cluster)
    driver = Driver([s.port for s in cluster.servers if s.port], cluster.tokens)
    killer = Killer(cluster, driver, share=0.4)
    began = time.monotonic()
    killer.start()
    try:
        driver.run(CASES, deadline=200)
    finally:
        killer.stop.set()
        killer.join(timeout=30)
    driven = time.monotonic() - began
    assert killer.killed_at is not None, "the kill never happened"
    dead, alive = [cluster.servers[0], cluster.workers[0]], [cluster.servers[1], cluster.workers[1]]
    assert all(p.popen.poll() is not None for p in dead)
    for proc in alive:
        assert proc.popen.poll() is None, f"{proc.name} died:\n{proc.log_tail()}"
    verdict = judge(cluster, driver, probes, header=header)
    timers = _timers_table(cluster.database_url)
    summary = driver.summary()
    takeover = sorted(
        round((_parse(event.payload["noticed_at"]) - killer.killed_wall).total_seconds(), 1)
        for case_id, ref in killer.orphaned
        for event in cluster.engine.history(case_id)
        if event.kind is EventKind.TIMER_FIRED and event.task_ref == ref
    )
    print(
        _report(
            "kill-9",
            driver,
            verdict,
            drive_s=round(driven, 1),
            killed_after_s=round(killer.killed_at - began, 1),
            leased_at_kill=len(killer.leases_at_kill),
            orphaned_by_kill=len(killer.orphaned),
            orphans_fired_s_after_kill=takeover,
            idempotency_header=header,
            timers=timers,
        )
    )
    assert not verdict.problems, "\n".join(verdict.problems) + "\n" + cluster.logs()
    assert verdict.counts["cases_checked"] == CASES
    assert timers == {"fired": 2 * CASES}
    # the first client to reach the dead server (a read or a write) fails over and marks it
    failovers = summary["refused_attempts"] + summary["dropped_attempts"] + summary["failed_reads"]
    assert failovers > 0, "no client failed over"
