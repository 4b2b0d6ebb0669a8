"""The dashboard page and API: the head of office sees their office, national users compare."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from web_testkit import PASSWORD, login, ready_task, token_for

from engine import Actor, Engine, ManualClock

HQ = Actor("pendaftar", "officer", ("disnaker",), "utama")
FAR = Actor("pendaftar-b", "officer", ("disnaker",), "indramayu")


def _seed(eng: Engine, clock: ManualClock) -> None:
    eng.offices.add("indramayu", "LTSA Kabupaten Indramayu")
    for hours in (1, 3):
        case = eng.start("intake", {}, HQ)
        clock.advance(timedelta(hours=hours))
        data = {"full_name": "Siti", "age": 30}
        eng.complete_task(ready_task(eng, case.id, "register"), data, HQ)
    eng.start("intake", {}, HQ)
    eng.start("intake", {}, FAR)
    eng.start("intake", {}, FAR)


def test_head_of_office_sees_only_their_office(
    app: Flask, eng: Engine, clock: ManualClock, as_user: Callable[[str], FlaskClient]
) -> None:
    _seed(eng, clock)
    token = token_for(eng, "kepala")  # kepala of the default office, utama
    api = app.test_client()
    body = api.get("/api/v1/dashboard", headers=token).get_json()
    assert [o["office"] for o in body["offices"]] == ["utama"]
    desks = {d["desk"]: d for d in body["offices"][0]["desks"]}
    assert desks["disnaker"]["queue"] == 1
    assert desks["disnaker"]["waiting"] == {
        "count": 2,
        "median_seconds": 2 * 3600.0,
        "p90_seconds": 3 * 3600.0,
    }
    assert body["offices"][0]["weeks"][0]["started"] == 3
    assert api.get("/api/v1/dashboard?office=indramayu", headers=token).status_code == 404
    assert api.get("/api/v1/dashboard?from=2026-13-01", headers=token).status_code == 422
    backwards = api.get("/api/v1/dashboard?from=2026-03-02&to=2026-03-01", headers=token)
    assert backwards.status_code == 422 and "from must not be after to" in backwards.text
    page = as_user("kepala").get("/dashboard")
    assert page.status_code == 200
    assert 'id="queues"' in page.text and 'id="weekly"' in page.text
    assert "Indramayu" not in page.text
    assert "<script>" not in page.text  # no inline scripts: the CSP stays
    heat = as_user("kepala").get("/dashboard/diagram.json?process=intake").get_json()
    assert heat["xml"].startswith("<?xml") and heat["waits"]["register"] == 2 * 3600.0


def test_national_users_compare_offices(
    app: Flask, eng: Engine, clock: ManualClock, as_user: Callable[[str], FlaskClient]
) -> None:
    _seed(eng, clock)
    token = token_for(eng, "auditor")
    api = app.test_client()
    body = api.get("/api/v1/dashboard", headers=token).get_json()
    queues = {o["office"]: sum(d["queue"] for d in o["desks"]) for o in body["offices"]}
    assert queues == {"indramayu": 2, "utama": 1 + 2 * 2}  # two register done: 2 tasks each
    one = api.get("/api/v1/dashboard?office=indramayu", headers=token).get_json()
    assert [o["office"] for o in one["offices"]] == ["indramayu"]
    assert api.get("/api/v1/dashboard?office=atlantis", headers=token).status_code == 404
    page = as_user("auditor").get("/dashboard")
    assert 'id="compare"' in page.text and "LTSA Kabupaten Indramayu" in page.text


def test_officers_have_no_dashboard(app: Flask, eng: Engine) -> None:
    eng.users.add("petugas", "officer", ["disnaker"], PASSWORD)
    client = app.test_client()
    login(client, "petugas")
    assert client.get("/dashboard").status_code == 403
