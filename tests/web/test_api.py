from __future__ import annotations

import base64
import io
from collections.abc import Callable

from flask.testing import FlaskClient
from web_testkit import BPMN_DIR, csrf_of, ready_task, token_for

from engine import Actor, Engine


def _error_shape(body: dict[str, object]) -> None:
    assert set(body) >= {"code", "message", "errors"}
    assert isinstance(body["errors"], dict)


def test_bearer_token_authenticates_without_a_session(client: FlaskClient, eng: Engine) -> None:
    response = client.get("/api/v1/processes", headers=token_for(eng, "designer"))
    assert response.status_code == 200
    assert {p["key"] for p in response.json} == {"intake", "documents"}
    assert "Set-Cookie" not in response.headers


def test_unknown_token_and_no_login_answer_401_json(client: FlaskClient) -> None:
    for headers in ({"Authorization": "Bearer nope"}, {}, {"Authorization": "Basic eDp5"}):
        response = client.get("/api/v1/cases", headers=headers)
        assert response.status_code == 401
        assert response.is_json
        _error_shape(response.json)
        assert response.json["code"] == "unauthorized"


def test_start_list_and_get_a_case(client: FlaskClient, eng: Engine) -> None:
    officer = token_for(eng, "disnaker")
    started = client.post(
        "/api/v1/cases",
        json={"process": "intake", "data": {"full_name": "Siti", "nik": "3201014501990001"}},
        headers=officer,
    )
    assert started.status_code == 201
    case_id = started.json["id"]
    assert started.json["ready_tasks"][0]["name"] == "register"
    listed = client.get("/api/v1/cases?q=Siti", headers=token_for(eng, "auditor")).json
    assert [c["id"] for c in listed] == [case_id]
    assert listed[0]["nik_masked"].endswith("0001") and "3201" not in listed[0]["nik_masked"]
    one = client.get(f"/api/v1/cases/{case_id}", headers=officer).json
    assert one["data"]["full_name"] == "Siti" and one["desks"] == ["disnaker"]


def test_unknown_process_is_404_json(client: FlaskClient, eng: Engine) -> None:
    response = client.post(
        "/api/v1/cases", json={"process": "nope", "data": {}}, headers=token_for(eng, "disnaker")
    )
    assert response.status_code == 404
    _error_shape(response.json)


def test_bad_request_body_is_422_json(client: FlaskClient, eng: Engine) -> None:
    response = client.post("/api/v1/cases", json={"data": []}, headers=token_for(eng, "disnaker"))
    assert response.status_code == 422
    _error_shape(response.json)
    assert "process" in response.json["errors"]


def test_task_detail_has_form_json_schema(
    client: FlaskClient, eng: Engine, case_at_register: int
) -> None:
    task_id = ready_task(eng, case_at_register, "register")
    response = client.get(f"/api/v1/tasks/{task_id}", headers=token_for(eng, "disnaker"))
    assert response.status_code == 200
    schema = response.json["form"]
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"full_name", "age"}


def test_task_list_for_officer_is_limited_to_their_desks(
    client: FlaskClient, eng: Engine, case_at_register: int
) -> None:
    mine = client.get("/api/v1/tasks", headers=token_for(eng, "disnaker")).json
    assert [t["name"] for t in mine] == ["register"]
    assert client.get("/api/v1/tasks", headers=token_for(eng, "dukcapil")).json == []
    other = client.get("/api/v1/tasks?desk=disnaker", headers=token_for(eng, "dukcapil"))
    assert other.status_code == 403
    _error_shape(other.json)
    task_id = ready_task(eng, case_at_register, "register")
    assert (
        client.get(f"/api/v1/tasks/{task_id}", headers=token_for(eng, "dukcapil")).status_code
        == 403
    )


def test_complete_task_200_422_409_403(
    client: FlaskClient, eng: Engine, case_at_register: int
) -> None:
    task_id = ready_task(eng, case_at_register, "register")
    url = f"/api/v1/tasks/{task_id}/complete"
    officer = token_for(eng, "disnaker")

    wrong_desk = client.post(url, json={"data": {}}, headers=token_for(eng, "dukcapil"))
    assert wrong_desk.status_code == 403
    _error_shape(wrong_desk.json)

    invalid = client.post(url, json={"data": {"full_name": "Siti", "age": "x"}}, headers=officer)
    assert invalid.status_code == 422
    _error_shape(invalid.json)
    assert list(invalid.json["errors"]) == ["age"]
    assert eng.get_case(case_at_register).revision == 1

    done = client.post(url, json={"data": {"full_name": "Siti", "age": 30}}, headers=officer)
    assert done.status_code == 200
    assert {t["name"] for t in done.json["ready_tasks"]} == {"verify_ektp", "health_check"}

    again = client.post(url, json={"data": {"full_name": "Siti", "age": 30}}, headers=officer)
    assert again.status_code == 409
    _error_shape(again.json)


def test_stale_expected_revision_is_409(
    client: FlaskClient, eng: Engine, case_at_register: int
) -> None:
    task_id = ready_task(eng, case_at_register, "register")
    response = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {"full_name": "Siti", "age": 30}, "expected_revision": 0},
        headers=token_for(eng, "disnaker"),
    )
    assert response.status_code == 409


def test_upload_through_the_api_as_base64(client: FlaskClient, eng: Engine, clerk: Actor) -> None:
    case = eng.start("intake", {}, clerk)
    eng.complete_task(ready_task(eng, case.id, "register"), {"full_name": "S", "age": 30}, clerk)
    eng.complete_task(
        ready_task(eng, case.id, "verify_ektp"), {}, Actor("d", "officer", ("dukcapil",))
    )
    eng.complete_task(
        ready_task(eng, case.id, "health_check"),
        {"health_result": "fit"},
        Actor("k", "officer", ("dinkes",)),
    )
    message = client.post(
        f"/api/v1/cases/{case.id}/messages/job_order_verified",
        json={"data": {}},
        headers=token_for(eng, "disnaker"),
    )
    assert message.status_code == 200
    upload = ready_task(eng, case.id, "upload")
    pdf = b"%PDF-1.4\n%%EOF\n"
    response = client.post(
        f"/api/v1/tasks/{upload}/complete",
        json={
            "data": {
                "marital_status_letter": {
                    "name": "surat.pdf",
                    "content_base64": base64.b64encode(pdf).decode(),
                }
            }
        },
        headers=token_for(eng, "disnaker"),
    )
    assert response.status_code == 200, response.json
    assert eng.get_case(case.id).data["marital_status_letter"]["size"] == len(pdf)


def test_withdraw_and_history(client: FlaskClient, eng: Engine, case_at_register: int) -> None:
    url = f"/api/v1/cases/{case_at_register}/withdraw"
    assert client.post(url, json={}, headers=token_for(eng, "disnaker")).status_code == 422
    assert (
        client.post(url, json={"reason": "x"}, headers=token_for(eng, "auditor")).status_code == 403
    )
    done = client.post(url, json={"reason": "pindah kerja"}, headers=token_for(eng, "disnaker"))
    assert done.status_code == 200 and done.json["status"] == "withdrawn"
    again = client.post(url, json={"reason": "lagi"}, headers=token_for(eng, "disnaker"))
    assert again.status_code == 409
    assert again.json["code"] == "case_not_active"
    history = client.get(
        f"/api/v1/cases/{case_at_register}/history", headers=token_for(eng, "auditor")
    ).json
    assert [e["kind"] for e in history] == ["case_started", "case_withdrawn"]
    assert history[1]["prev_hash"] == history[0]["hash"]


def test_deploy_multipart_201_and_invalid_422(client: FlaskClient, eng: Engine) -> None:
    designer = token_for(eng, "designer")
    files = [(io.BytesIO(p.read_bytes()), p.name) for p in sorted(BPMN_DIR.iterdir())]
    unchanged = client.post(
        "/api/v1/processes",
        data={"files": files},
        headers=designer,
        content_type="multipart/form-data",
    )
    assert unchanged.status_code == 201
    assert {r["status"] for r in unchanged.json} == {"unchanged"}
    broken = client.post(
        "/api/v1/processes",
        data={"files": [(io.BytesIO(b"<bpmn:definitions"), "broken.bpmn")]},
        headers=designer,
        content_type="multipart/form-data",
    )
    assert broken.status_code == 422
    _error_shape(broken.json)
    assert "broken.bpmn" in broken.json["errors"]
    assert broken.json["details"][0]["file"] == "broken.bpmn"
    officer = client.post(
        "/api/v1/processes",
        data={"files": [(io.BytesIO(b"x"), "x.bpmn")]},
        headers=token_for(eng, "disnaker"),
        content_type="multipart/form-data",
    )
    assert officer.status_code == 403


def test_session_api_write_needs_csrf_token(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    client = as_user("disnaker")
    refused = client.post("/api/v1/cases", json={"process": "intake", "data": {}})
    assert refused.status_code == 400
    assert refused.json["code"] == "csrf_failed"
    token = csrf_of(client.get("/tasks").text)
    accepted = client.post(
        "/api/v1/cases", json={"process": "intake", "data": {}}, headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201


def test_unknown_api_route_and_method_are_json(client: FlaskClient, eng: Engine) -> None:
    missing = client.get("/api/v1/nothing", headers=token_for(eng, "admin"))
    assert missing.status_code == 404 and missing.is_json
    wrong = client.delete("/api/v1/cases", headers=token_for(eng, "admin"))
    assert wrong.status_code == 405 and wrong.is_json
    case = client.get("/api/v1/cases/999", headers=token_for(eng, "admin"))
    assert case.status_code == 404
    _error_shape(case.json)


def test_too_large_request_is_413_json(client: FlaskClient, eng: Engine) -> None:
    client.application.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/api/v1/processes",
        data={"files": [(io.BytesIO(b"x" * 5000), "big.bpmn")]},
        headers=token_for(eng, "designer"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    _error_shape(response.json)


def test_openapi_document_lists_every_api_route(client: FlaskClient, eng: Engine) -> None:
    spec = client.get("/api/openapi.json", headers=token_for(eng, "auditor")).json
    documented = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    app = client.application
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in documented, (method, path)
    assert "bearer" in spec["components"]["securitySchemes"]


def test_api_docs_page_uses_local_assets(as_user: Callable[[str], FlaskClient]) -> None:
    page = as_user("auditor").get("/api/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text.split("<main>")[0]
