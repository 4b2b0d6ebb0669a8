"""Personal data (NIK, names) reaches the journal, never the logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine import Engine, ManualClock
from web import create_app

BPMN = Path(__file__).resolve().parents[1] / "engine" / "bpmn"
NIK = "3212015506950001"
NAME = "Siti Rahasia Aminah"


def test_inputs_with_personal_data_leave_no_trace_in_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    eng = Engine(data_dir=tmp_path, clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    eng.init_db()
    eng.deploy([BPMN], actor="designer")
    eng.users.add("ani", "officer", ["disnaker"], "rahasia-sekali")
    token = eng.users.new_token("ani")
    app = create_app({"LTSA_ENGINE": eng, "TESTING": True, "SECRET_KEY": "s"})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    caplog.set_level(logging.DEBUG)

    started = client.post(
        "/api/v1/cases", json={"process": "intake", "data": {"nik": NIK}}, headers=auth
    )
    assert started.status_code == 201
    task_id = started.get_json()["ready_tasks"][0]["id"]
    refused = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {"full_name": NAME, "age": NIK}},  # age is not a number: refused
        headers=auth,
    )
    assert refused.status_code == 422
    done = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {"full_name": NAME, "age": 30}},
        headers=auth,
    )
    assert done.status_code == 200
    assert client.get(f"/cases?q={NIK}", headers=auth).status_code in (200, 302, 401, 403)
    assert client.get("/api/v1/cases/999999", headers=auth).status_code == 404

    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert NIK not in logged
    assert NAME not in logged
    history = eng.history(started.get_json()["id"])
    assert history[0].payload["data"]["nik"] == NIK  # the journal, not the log, keeps it
