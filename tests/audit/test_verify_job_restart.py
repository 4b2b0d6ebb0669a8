"""A verification job started from the web survives a `kill -9` of the web process."""

from __future__ import annotations

import http.client
import json
import os
import time
from pathlib import Path

from ltsa_subprocess import await_server, free_port, spawn

from engine import Actor, Engine, verify_report

ROOT = Path(__file__).resolve().parents[2]
TEST_BPMN = ROOT / "tests" / "engine" / "bpmn"
ANI = Actor("ani", "officer", ("disnaker",))


def _call(port: int, method: str, path: str, token: str, body: object = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_verify_job_survives_kill_9_and_finishes_with_a_signed_report(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    eng = Engine(data_dir=data_dir)
    eng.init_db()
    eng.deploy([TEST_BPMN], actor="designer")
    eng.users.add("audrey", "auditor", ())
    token = eng.users.new_token("audrey")
    cases = []
    for i in range(80):
        case = eng.start("intake", {}, ANI)
        task = next(t.id for t in case.ready_tasks if t.name == "register")
        eng.complete_task(task, {"full_name": f"Siti {i}", "age": 30}, ANI)
        cases.append(case.id)
    env = {
        **os.environ,
        "LTSA_DATA_DIR": str(data_dir),
        "LTSA_JOB_LEASE_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("LTSA_DATABASE_URL", None)
    port = free_port()
    serve = ["serve", "--port", str(port)]
    first = spawn("serve-first", serve, env, tmp_path)
    first.port = port
    second = None
    try:
        await_server(first, token, time.monotonic() + 60)
        status, body = _call(port, "POST", "/api/v1/audit/jobs", token, {})
        assert status == 202, body
        job_id = json.loads(body)["id"]
        while True:  # kill it in the middle of the job, not before, not after
            job = json.loads(_call(port, "GET", f"/api/v1/audit/jobs/{job_id}", token)[1])
            if job["done"] > 0:
                break
            time.sleep(0.01)
        first.kill()
        stopped_at = eng.jobs.get(job_id)
        assert stopped_at.status == "running" and 0 < stopped_at.done < len(cases)

        second = spawn("serve-second", serve, env, tmp_path)
        second.port = port
        await_server(second, token, time.monotonic() + 60)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = json.loads(_call(port, "GET", f"/api/v1/audit/jobs/{job_id}", token)[1])
            if job["status"] == "done":
                break
            time.sleep(0.2)
        assert job["status"] == "done" and job["done"] == job["total"] == len(cases), job
        status, report = _call(port, "GET", f"/api/v1/audit/jobs/{job_id}/report", token)
        assert status == 200
        intact, message = verify_report(report)
        assert intact, message
        document = json.loads(report)
        assert [c["case_id"] for c in document["cases"]] == cases  # each case once
        assert all(c["intact"] for c in document["cases"])
    finally:
        for proc in (first, second):
            if proc is not None:
                proc.kill()
        eng.close()
