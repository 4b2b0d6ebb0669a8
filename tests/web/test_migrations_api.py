"""POST /api/v1/processes/{key}/migrations: preview, migration, refusals."""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask
from web_testkit import csrf_of, token_for

from engine import Engine

_TESTS = Path(__file__).resolve().parents[1]
for _folder in ("engine", "processes"):
    if str(_TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(_TESTS / _folder))

import migration_versions as versions  # noqa: E402
from ltsa_driver import Driver, birth_date_for_age  # noqa: E402

URL = "/api/v1/processes/ltsa_placement/migrations"


def test_designer_previews_then_migrates_and_bad_requests_move_nothing(
    app: Flask, eng: Engine, tmp_path: Path
) -> None:
    eng.deploy([versions.PROCESSES], actor="designer")
    drv = Driver(eng, eng.clock)  # type: ignore[arg-type]
    young = drv.register(birth_date=birth_date_for_age(19))
    adult = drv.register()
    folder = versions.copy_processes(tmp_path / "v2")
    versions.minimum_age(folder, 21)
    eng.deploy([folder], actor="designer")
    client = app.test_client()
    designer = token_for(eng, "designer")

    preview = client.post(URL, json={"to": 2, "dry_run": True}, headers=designer)
    assert preview.status_code == 200
    assert preview.json["counts"] == {"migrated": 0, "same": 1, "diverges": 1, "cannot": 0}
    by_case = {c["case_id"]: c for c in preview.json["cases"]}
    assert (by_case[young.id]["outcome"], by_case[young.id]["event"]) == ("diverges", 2)

    for body, status, field in [
        ({"to": 5}, 422, "to"),
        ({"to": 2, "map": {"registrasi": "nope"}}, 422, "map"),
        ({"to": 2, "cases": [999]}, 422, "cases"),
    ]:
        refused = client.post(URL, json=body, headers=designer)
        assert refused.status_code == status, refused.json
        assert field in refused.json["errors"]
    missing = client.post("/api/v1/processes/nope/migrations", json={"to": 2}, headers=designer)
    assert missing.status_code == 404
    officer = client.post(URL, json={"to": 2}, headers=token_for(eng, "disnaker"))
    assert officer.status_code == 403
    assert {eng.get_case(c.id).version for c in (young, adult)} == {1}

    done = client.post(URL, json={"to": 2}, headers=designer)
    assert done.status_code == 200
    assert done.json["counts"]["migrated"] == 1
    assert eng.get_case(adult.id).version == 2
    assert eng.history(adult.id)[-1].actor == "designer"
    assert eng.get_case(young.id).version == 1
    spec = client.get("/api/openapi.json", headers=designer).json
    assert "/api/v1/processes/{key}/migrations" in spec["paths"]


def test_designer_page_lists_verdicts_by_page_and_moves_cases_in_small_requests(
    eng: Engine, as_user, tmp_path: Path
) -> None:
    eng.deploy([versions.PROCESSES], actor="designer")
    drv = Driver(eng, eng.clock)  # type: ignore[arg-type]
    cases = [drv.register() for _ in range(3)]
    folder = versions.copy_processes(tmp_path / "v2")
    versions.minimum_age(folder, 21)
    eng.deploy([folder], actor="designer")
    client = as_user("designer")
    base = "/designer/migrations/ltsa_placement/2"

    page = client.get(base)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dampak pada kasus berjalan" in html and "<script>" not in html
    first = client.get(f"{base}/impact.json").json
    assert [c["case_id"] for c in first["cases"]] == [c.id for c in cases]
    assert first["next"] is None
    after = client.get(f"{base}/impact.json?after={cases[1].id}").json
    assert [c["case_id"] for c in after["cases"]] == [cases[2].id]

    assert client.post(f"{base}/migrate.json", json={"cases": [cases[0].id]}).status_code == 400
    token = {"X-CSRFToken": csrf_of(html)}
    refused = client.post(f"{base}/migrate.json", json={"cases": "all"}, headers=token)
    assert refused.status_code == 422 and "cases" in refused.json["errors"]
    mapped = client.post(
        f"{base}/migrate.json", json={"cases": [cases[0].id], "map": {"x": "y"}}, headers=token
    )
    assert mapped.status_code == 422 and "map" in mapped.json["errors"]
    assert eng.get_case(cases[0].id).version == 1
    moved = client.post(f"{base}/migrate.json", json={"cases": [cases[0].id]}, headers=token)
    assert [c["outcome"] for c in moved.json["cases"]] == ["migrated"]
    assert eng.get_case(cases[0].id).version == 2
    assert client.get("/designer").get_data(as_text=True).count("impact-link") >= 1
