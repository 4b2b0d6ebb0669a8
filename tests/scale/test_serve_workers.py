"""`ltsa serve --workers N` runs N web processes (gunicorn) against one PostgreSQL."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from ltsa_subprocess import await_server, free_port, spawn
from scale_cluster import PROBE_BPMN

from engine import Engine

pytestmark = pytest.mark.scale


def test_serve_with_workers_answers_from_several_processes(
    postgres_url: str, tmp_path: Path
) -> None:
    eng = Engine(database_url=postgres_url, data_dir=tmp_path / "data")
    eng.init_db()
    eng.deploy([PROBE_BPMN], actor="designer")
    eng.users.add("ani", "officer", ("disnaker",))
    token = eng.users.new_token("ani")
    env = {
        **os.environ,
        "LTSA_DATABASE_URL": postgres_url,
        "LTSA_DATA_DIR": str(tmp_path / "data"),
        "PYTHONUNBUFFERED": "1",
    }
    port = free_port()
    proc = spawn("gunicorn", ["serve", "--port", str(port), "--workers", "2"], env, tmp_path)
    proc.port = port
    try:
        await_server(proc, token, time.monotonic() + 60)
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(proc.popen.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert len(children) == 2, proc.log_tail()
        started = []
        for _ in range(6):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            body = json.dumps({"process": "scale_probe", "data": {}})
            conn.request(
                "POST",
                "/api/v1/cases",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            assert response.status == 201, response.read()
            started.append(json.loads(response.read())["id"])
            conn.close()
        assert len(set(started)) == 6
        assert all(eng.verify(case_id).intact for case_id in started)
    finally:
        proc.kill()
        eng.close()
