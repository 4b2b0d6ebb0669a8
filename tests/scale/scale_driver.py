"""A bounded HTTP load driver: cases of `scale_probe.bpmn` through several `ltsa serve`.

Each case is a small state machine (start, intake raced by two officers on two
servers, wait for both timers, escalation, review raced, the message delivered
twice) run by a fixed pool of threads from a time-ordered queue, so hundreds of
cases wait on their timers at once while only a few requests are in flight.
Every write carries a unique mark in its data, so the journal tells which
request won; every attempt and answer is recorded for the checks.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import json
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PROCESS", "CaseRun", "Driver", "Request"]

PROCESS = "scale_probe"
MESSAGE = "scale_verified"
REQUEST_TIMEOUT = 20.0
MAX_ATTEMPTS = 8
STAGE_RETRIES = 6
FIRST_POLL_AFTER = 2.5  # cool_down (PT1S) then sla (PT2S) must fire before escalate is ready
POLL_EVERY = 0.5


class GaveUp(RuntimeError):
    """A case could not be driven on (no answer, a wrong answer, or out of budget)."""


@dataclass
class Attempt:
    """One try of a request against one server."""

    server: int
    status: int | None  # None: no answer
    error: str | None = None
    sent: bool = True  # False: the connection was refused, nothing reached a server
    seconds: float = 0.0


@dataclass
class Request:
    """One logical write (with its retries), identified by the mark in its data."""

    id: int
    action: str  # start | complete | message
    mark: str
    officer: str
    key: str
    case_id: int | None = None
    task_ref: str | None = None
    task_id: int | None = None
    attempts: list[Attempt] = field(default_factory=list)
    status: int | None = None
    body: Any = None
    recovered: bool = False  # a start found by its mark after a lost answer

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def lost_answer(self) -> bool:
        """Some attempt reached a server and got no answer or a 5xx."""
        return any(a.sent and (a.status is None or a.status >= 500) for a in self.attempts)


@dataclass
class CaseRun:
    """The client-side state of one case."""

    index: int
    stage: str = "start"
    case_id: int | None = None
    tasks: dict[str, tuple[int, str]] = field(default_factory=dict)  # name -> (id, ref)
    waiting_since: float = 0.0
    retries: int = 0
    error: str | None = None
    started_at: float = 0.0
    finished_at: float = 0.0


class Driver:
    """Drive `cases` probe cases through `ports` with a bounded pool and request budget."""

    def __init__(
        self,
        ports: list[int],
        tokens: dict[str, str],
        *,
        threads: int = 12,
        in_flight: int = 60,
        max_requests: int = 20_000,
        wait_limit: float = 60.0,
    ) -> None:
        self.ports = ports
        self.tokens = tokens
        self.officers = sorted(tokens)
        self.threads = threads
        self.in_flight = in_flight
        self.max_requests = max_requests
        self.wait_limit = wait_limit
        self.requests: list[Request] = []
        self.runs: list[CaseRun] = []
        self.suspect: set[int] = set()  # servers that refused or dropped a connection
        self.latencies: list[float] = []
        self.http_calls = Counter[str]()
        self.on_progress: Callable[[Driver], None] | None = None
        self._ids = itertools.count(1)
        self._marks = itertools.count(1)
        self._lock = threading.Lock()
        self._queue: list[tuple[float, int, CaseRun]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition(self._lock)
        self._pending = 0
        self._next_case = 0
        self._racers = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="racer")

    # --- HTTP -------------------------------------------------------------------

    def _http(
        self, server: int, method: str, path: str, body: Any, officer: str, key: str | None
    ) -> tuple[int, Any]:
        with self._lock:
            self.http_calls["total"] += 1
            if self.http_calls["total"] > self.max_requests:
                raise GaveUp(f"request budget of {self.max_requests} spent")
        headers = {"Authorization": f"Bearer {self.tokens[officer]}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key is not None:
            headers["Idempotency-Key"] = key
        conn = http.client.HTTPConnection("127.0.0.1", self.ports[server], timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = raw.decode(errors="replace")[:500]
        return response.status, doc

    def _servers(self, prefer: int) -> list[int]:
        """Servers in the order to try: `prefer` first, suspects last."""
        order = [prefer, *(s for s in range(len(self.ports)) if s != prefer)]
        with self._lock:
            return [s for s in order if s not in self.suspect] + [
                s for s in order if s in self.suspect
            ]

    def send(self, req: Request, method: str, path: str, body: Any, prefer: int) -> None:
        """Send a write until it gets a non-5xx answer, failing over to other servers."""
        for attempt in range(MAX_ATTEMPTS):
            server = self._servers(prefer)[attempt % len(self.ports)]
            if req.action == "start" and req.lost_answer and self._find_started(req, server):
                return
            began = time.monotonic()
            try:
                status, doc = self._http(server, method, path, body, req.officer, req.key)
            except ConnectionRefusedError as exc:
                req.attempts.append(Attempt(server, None, repr(exc), sent=False))
                self._suspect(server)
                continue
            except (OSError, http.client.HTTPException) as exc:
                req.attempts.append(
                    Attempt(server, None, repr(exc), seconds=time.monotonic() - began)
                )
                self._suspect(server)
                time.sleep(0.1 * (attempt + 1))
                continue
            took = time.monotonic() - began
            req.attempts.append(Attempt(server, status, seconds=took))
            with self._lock:
                self.latencies.append(took)
            if status >= 500:
                time.sleep(0.1 * (attempt + 1))
                continue
            req.status, req.body = status, doc
            return
        raise GaveUp(f"request {req.id} ({req.action}) got no answer in {MAX_ATTEMPTS} attempts")

    def get(self, path: str, prefer: int) -> Any:
        """A read, failing over like `send`; returns the JSON of a 200."""
        officer = self.officers[0]
        for attempt in range(MAX_ATTEMPTS):
            server = self._servers(prefer)[attempt % len(self.ports)]
            try:
                status, doc = self._http(server, "GET", path, None, officer, None)
            except (OSError, http.client.HTTPException):
                with self._lock:
                    self.http_calls["failed_reads"] += 1
                self._suspect(server)
                time.sleep(0.1 * attempt)
                continue
            if status == 200:
                return doc
            if status < 500:
                raise GaveUp(f"GET {path} answered {status}: {doc}")
            time.sleep(0.1 * (attempt + 1))
        raise GaveUp(f"GET {path} got no answer in {MAX_ATTEMPTS} attempts")

    def _suspect(self, server: int) -> None:
        with self._lock:
            self.suspect.add(server)

    def _find_started(self, req: Request, server: int) -> bool:
        """After a lost answer to a start: did it start a case? (Search by its mark.)"""
        try:
            found = self.get(f"/api/v1/cases?q={req.mark}&process={PROCESS}", server)
        except GaveUp:
            return False
        if len(found) == 1:
            req.status, req.body, req.recovered = (
                201,
                self.get(f"/api/v1/cases/{found[0]['id']}", server),
                True,
            )
            return True
        return False

    def _request(self, action: str, officer: str, run: CaseRun, **kw: Any) -> Request:
        with self._lock:
            req = Request(
                id=next(self._ids),
                action=action,
                mark=f"m{next(self._marks)}-{uuid.uuid4().hex[:8]}",
                officer=officer,
                key=f"scale-{uuid.uuid4().hex}",
                case_id=run.case_id,
                **kw,
            )
            self.requests.append(req)
        return req

    # --- the case state machine -------------------------------------------------

    def _home(self, run: CaseRun) -> int:
        return run.index % len(self.ports)

    def _officer(self, run: CaseRun, offset: int) -> str:
        return self.officers[(run.index + offset) % len(self.officers)]

    def _step(self, run: CaseRun) -> float | None:
        """Advance `run` by one stage; return the delay before the next, None when done."""
        stage = getattr(self, f"_stage_{run.stage}")
        return stage(run)  # type: ignore[no-any-return]

    def _stage_start(self, run: CaseRun) -> float | None:
        run.started_at = time.monotonic()
        req = self._request("start", self._officer(run, 0), run)
        body = {"process": PROCESS, "data": {"full_name": f"scale {req.mark}"}}
        self.send(req, "POST", "/api/v1/cases", body, self._home(run))
        if req.status != 201:
            raise GaveUp(f"start answered {req.status}: {req.body}")
        run.case_id = req.case_id = req.body["id"]
        self._note_tasks(run, req.body)
        run.stage = "invalid_intake" if run.index % 5 == 0 else "intake"
        return 0.0

    def _stage_invalid_intake(self, run: CaseRun) -> float | None:
        """A form the engine must refuse (n < 0): 422, and no trace of it."""
        task_id, ref = run.tasks["intake"]
        req = self._request("complete", self._officer(run, 1), run, task_id=task_id, task_ref=ref)
        n = -int(req.mark[1:].split("-")[0])
        self.send(req, "POST", f"/api/v1/tasks/{task_id}/complete", {"data": {"n": n}}, 0)
        if req.status != 422:
            raise GaveUp(f"invalid intake answered {req.status}: {req.body}")
        run.stage = "intake"
        return 0.0

    def _stage_intake(self, run: CaseRun) -> float | None:
        if self._race(run, "intake", lambda req: {"n": int(req.mark[1:].split("-")[0])}):
            run.stage, run.waiting_since = "wait_timers", time.monotonic()
            return FIRST_POLL_AFTER
        return self._retry(run)

    def _stage_wait_timers(self, run: CaseRun) -> float | None:
        case = self.get(f"/api/v1/cases/{run.case_id}", self._home(run))
        self._note_tasks(run, case)
        ready = {t["name"] for t in case["ready_tasks"]}
        if {"review", "escalate"} <= ready:
            run.stage = "escalate"
            return 0.0
        if time.monotonic() - run.waiting_since > self.wait_limit:
            raise GaveUp(f"timers of case {run.case_id} not fired after {self.wait_limit} s")
        return POLL_EVERY

    def _stage_escalate(self, run: CaseRun) -> float | None:
        task_id, ref = run.tasks["escalate"]
        req = self._request("complete", self._officer(run, 2), run, task_id=task_id, task_ref=ref)
        self.send(
            req,
            "POST",
            f"/api/v1/tasks/{task_id}/complete",
            {"data": {"note": req.mark}},
            self._home(run),
        )
        if self._task_done(run, task_id):
            run.stage = "review"
            return 0.0
        return self._retry(run)

    def _stage_review(self, run: CaseRun) -> float | None:
        if self._race(run, "review", lambda req: {"approved": True, "note": req.mark}):
            run.stage = "message"
            return 0.0
        return self._retry(run)

    def _stage_message(self, run: CaseRun) -> float | None:
        """The embassy delivers one message twice at once, with one key, to both servers."""
        first = self._request("message", self._officer(run, 0), run)
        second = self._request("message", self._officer(run, 0), run)
        second.mark, second.key = first.mark, first.key
        path = f"/api/v1/cases/{run.case_id}/messages/{MESSAGE}"
        body = {"data": {"mark": first.mark}}
        other = self._racers.submit(self.send, second, "POST", path, body, 1 - self._home(run))
        self.send(first, "POST", path, body, self._home(run))
        other.result()
        case = self.get(f"/api/v1/cases/{run.case_id}", self._home(run))
        if case["status"] == "completed":
            run.finished_at = time.monotonic()
            return None
        return self._retry(run)

    def _race(self, run: CaseRun, name: str, data: Callable[[Request], dict[str, Any]]) -> bool:
        """Two officers complete one task at once on two servers; True once it is done."""
        task_id, ref = run.tasks[name]
        a = self._request("complete", self._officer(run, 1), run, task_id=task_id, task_ref=ref)
        b = self._request("complete", self._officer(run, 2), run, task_id=task_id, task_ref=ref)
        path = f"/api/v1/tasks/{task_id}/complete"
        home = self._home(run)
        other = self._racers.submit(self.send, b, "POST", path, {"data": data(b)}, 1 - home)
        self.send(a, "POST", path, {"data": data(a)}, home)
        other.result()
        return self._task_done(run, task_id)

    def _task_done(self, run: CaseRun, task_id: int) -> bool:
        task = self.get(f"/api/v1/tasks/{task_id}", self._home(run))
        if task["state"] not in ("ready", "completed"):
            raise GaveUp(f"task {task_id} of case {run.case_id} is {task['state']}")
        return bool(task["state"] == "completed")

    def _retry(self, run: CaseRun) -> float:
        run.retries += 1
        if run.retries > STAGE_RETRIES:
            raise GaveUp(f"case {run.case_id} stuck at {run.stage} after {STAGE_RETRIES} tries")
        return 0.2 * run.retries

    @staticmethod
    def _note_tasks(run: CaseRun, case: dict[str, Any]) -> None:
        for task in case["ready_tasks"]:
            run.tasks[task["name"]] = (task["id"], task["ref"])

    # --- the scheduler ----------------------------------------------------------

    def run(self, cases: int, *, deadline: float) -> None:
        """Drive `cases` cases, at most `in_flight` at a time, until done or `deadline` (s)."""
        self.runs = [CaseRun(i) for i in range(cases)]
        with self._lock:
            for _ in range(min(self.in_flight, cases)):
                self._admit_locked()
        stop_at = time.monotonic() + deadline
        threads = [
            threading.Thread(target=self._work, args=(stop_at,), name=f"driver-{i}", daemon=True)
            for i in range(self.threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, stop_at - time.monotonic() + REQUEST_TIMEOUT * 2))
        self._racers.shutdown(wait=True, cancel_futures=True)

    def _admit_locked(self) -> None:
        if self._next_case < len(self.runs):
            run = self.runs[self._next_case]
            self._next_case += 1
            self._push_locked(run, 0.0)

    def _push_locked(self, run: CaseRun, delay: float) -> None:
        heapq.heappush(self._queue, (time.monotonic() + delay, next(self._seq), run))
        self._pending += 1
        self._cond.notify()

    def _work(self, stop_at: float) -> None:
        while True:
            with self._cond:
                while True:
                    if self._pending == 0 or time.monotonic() > stop_at:
                        self._cond.notify_all()
                        return
                    if self._queue and self._queue[0][0] <= time.monotonic():
                        _, _, run = heapq.heappop(self._queue)
                        break
                    wait = self._queue[0][0] - time.monotonic() if self._queue else 0.5
                    self._cond.wait(timeout=max(0.01, min(wait, 0.5)))
            try:
                delay = self._step(run)
            except Exception as exc:  # noqa: BLE001 - recorded, judged by the test
                run.error = f"{run.stage}: {exc!r}"
                delay = None
            if self.on_progress is not None:
                self.on_progress(self)
            with self._cond:
                self._pending -= 1
                if delay is None:
                    self._admit_locked()
                else:
                    self._push_locked(run, delay)
                self._cond.notify_all()

    # --- summary ----------------------------------------------------------------

    def stage_counts(self) -> Counter[str]:
        """How many cases have passed which stage (for the kill trigger and reports)."""
        return Counter(r.stage for r in self.runs[: self._next_case])

    def summary(self) -> dict[str, Any]:
        """Counts and latencies for the report."""
        answers = Counter(str(r.status) for r in self.requests)
        attempts = [a for r in self.requests for a in r.attempts]
        lat = sorted(self.latencies) or [0.0]
        return {
            "cases": len(self.runs),
            "completed": sum(1 for r in self.runs if r.finished_at),
            "failed": sum(1 for r in self.runs if r.error),
            "writes": len(self.requests),
            "answers": dict(sorted(answers.items())),
            "http_calls": self.http_calls["total"],
            "refused_attempts": sum(1 for a in attempts if not a.sent),
            "failed_reads": self.http_calls["failed_reads"],
            "dropped_attempts": sum(1 for a in attempts if a.sent and a.status is None),
            "5xx_attempts": sum(1 for a in attempts if a.status is not None and a.status >= 500),
            "lost_answers": sum(1 for r in self.requests if r.lost_answer),
            "latency_p50_ms": round(statistics.median(lat) * 1000, 1),
            "latency_p95_ms": round(lat[int(len(lat) * 0.95) - 1 if len(lat) > 1 else 0] * 1000, 1),
            "latency_max_ms": round(lat[-1] * 1000, 1),
        }
