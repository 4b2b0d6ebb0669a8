"""The auditor across cases: who read what, who may see health data, search, samples, jobs."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

from flask.testing import FlaskClient
from web_testkit import BPMN_DIR, csrf_of, ready_task, token_for

from engine import Actor, Engine, SourceFile, verify_report

CLERK = Actor("disnaker", "officer", ("disnaker",))
DUKCAPIL = Actor("dukcapil", "officer", ("dukcapil",))
DINKES = Actor("dinkes", "officer", ("dinkes",))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VISIBILITY = (
    '<camunda:properties><camunda:property id="visibility" '
    'value="dinkes,final_check,auditor,kepala" /></camunda:properties>'
)


def _deploy_health_visibility(eng: Engine) -> None:
    """Version 2 of intake: the designer restricts health_result in the BPMN."""
    files = []
    for path in sorted(BPMN_DIR.iterdir()):
        content = path.read_bytes()
        if path.name == "intake.bpmn":
            field = b'<camunda:formField id="health_result" label="Hasil" type="enum">'
            assert field in content
            content = content.replace(field, field + VISIBILITY.encode())
        files.append(SourceFile(path.name, content))
    [intake] = [d for d in eng.deploy(files, actor="designer") if d.key == "intake"]
    assert intake.version == 2


def _case_with_document(eng: Engine) -> tuple[int, str]:
    case = eng.start("intake", {}, CLERK)
    eng.complete_task(ready_task(eng, case.id, "register"), {"full_name": "Siti", "age": 30}, CLERK)
    eng.complete_task(ready_task(eng, case.id, "verify_ektp"), {"ektp_valid": True}, DUKCAPIL)
    eng.complete_task(ready_task(eng, case.id, "health_check"), {"health_result": "unfit"}, DINKES)
    eng.send_message(case.id, "job_order_verified", {}, CLERK)
    letter = {"name": "surat.pdf", "content_base64": base64.b64encode(PDF).decode()}
    done = eng.complete_task(
        ready_task(eng, case.id, "upload"), {"marital_status_letter": letter}, CLERK
    )
    return case.id, done.data["marital_status_letter"]["sha256"]


def test_three_reads_by_an_officer_are_recorded_in_order(
    eng: Engine, as_user: Callable[[str], FlaskClient]
) -> None:
    case_id, sha = _case_with_document(eng)
    officer = as_user("disnaker")
    assert officer.get(f"/cases/{case_id}").status_code == 200
    assert officer.get(f"/cases/{case_id}/documents/{sha}").status_code == 200
    reads_api = officer.get(f"/api/v1/cases/{case_id}", headers=token_for(eng, "disnaker"))
    assert reads_api.status_code == 200

    record = as_user("auditor").get(f"/api/v1/cases/{case_id}/access")
    assert record.status_code == 200
    assert [(r["actor"], r["role"], r["what"]) for r in record.json] == [
        ("disnaker", "officer", "case_page"),
        ("disnaker", "officer", "document"),
        ("disnaker", "officer", "api_case"),
    ]
    assert record.json[1]["document"] == sha
    assert record.json[0]["address"] == "127.0.0.1"
    assert record.json[0]["recorded_at"] == eng.clock.now().isoformat(timespec="microseconds")
    page = as_user("auditor").get(f"/audit/access?case={case_id}&user=disnaker")
    assert page.text.count("<tr><td>") == 3
    by_user = as_user("auditor").get("/audit/access?user=disnaker")
    assert by_user.text.count(f"#{case_id}</a>") == 3
    assert officer.get(f"/api/v1/cases/{case_id}/access").status_code == 403


def test_a_read_that_cannot_be_recorded_is_refused(
    eng: Engine, as_user: Callable[[str], FlaskClient]
) -> None:
    case_id, _ = _case_with_document(eng)
    with eng.db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE access_log")
    officer = as_user("disnaker")
    assert officer.get(f"/cases/{case_id}").status_code == 503
    answer = officer.get(f"/api/v1/cases/{case_id}", headers=token_for(eng, "disnaker"))
    assert answer.status_code == 503 and answer.json["code"] == "access_not_recorded"
    assert "Siti" not in answer.text


def test_health_result_is_shown_only_to_its_declared_audience(
    eng: Engine, as_user: Callable[[str], FlaskClient]
) -> None:
    _deploy_health_visibility(eng)
    case_id, _ = _case_with_document(eng)
    assert eng.get_case(case_id).version == 2

    def sees(name: str) -> dict[str, bool]:
        client = as_user(name)
        page = client.get(f"/cases/{case_id}")
        api = client.get(f"/api/v1/cases/{case_id}", headers=token_for(eng, name))
        history = client.get(f"/api/v1/cases/{case_id}/history", headers=token_for(eng, name))
        assert page.status_code == api.status_code == history.status_code == 200
        return {
            "page": "unfit" in page.text,
            "api": "health_result" in api.json["data"],
            "history": "unfit" in history.text,
        }

    assert sees("dukcapil") == {"page": False, "api": False, "history": False}
    assert sees("dinkes") == {"page": True, "api": True, "history": True}
    assert sees("auditor") == {"page": True, "api": True, "history": True}
    auditor = as_user("auditor")
    assert "unfit" in auditor.get(f"/audit/cases/{case_id}").text
    export = auditor.get(f"/api/v1/cases/{case_id}/export")
    assert export.status_code == 200 and "unfit" in export.text
    admin = as_user("admin")
    assert admin.get(f"/api/v1/cases/{case_id}/export").status_code == 403
    assert "unfit" not in admin.get(f"/audit/cases/{case_id}").text
    assert "unfit" not in admin.get(f"/api/v1/cases/{case_id}/replay").text


def test_search_api_filters_samples_and_masks_the_nik_in_csv(
    eng: Engine, as_user: Callable[[str], FlaskClient]
) -> None:
    for i in range(6):
        case = eng.start("intake", {"nik": f"32120155069500{i:02d}"}, CLERK)
        eng.complete_task(
            ready_task(eng, case.id, "register"), {"full_name": f"Siti {i}", "age": 30}, CLERK
        )
    auditor = as_user("auditor")
    day = eng.clock.now().date().isoformat()
    found = auditor.get(f"/api/v1/audit/cases?actor=disnaker&from={day}&to={day}")
    assert found.status_code == 200 and len(found.json["cases"]) == 6
    assert found.json["cases"][0]["nik"] == "************0005"
    sample = auditor.get("/api/v1/audit/cases?sample=3&seed=7").json
    assert sample["seed"] == 7 and len(sample["cases"]) == 3
    assert auditor.get("/api/v1/audit/cases?sample=3&seed=7").json == sample
    as_csv = auditor.get("/api/v1/audit/cases?sample=3&seed=7", headers={"Accept": "text/csv"})
    assert as_csv.mimetype == "text/csv"
    lines = as_csv.text.splitlines()
    assert lines[0] == "# sample 3 of 6, seed 7" and lines[1].startswith("id,")
    assert "3212015506950" not in as_csv.text and "********" in as_csv.text
    assert auditor.get("/api/v1/audit/cases?kind=nope").status_code == 422
    page = auditor.get("/audit?sample=3&seed=7")
    assert "seed 7" in page.text and "3212015506950" not in page.text
    csv_from_page = auditor.get("/audit?sample=3&seed=7&format=csv")
    assert csv_from_page.mimetype == "text/csv" and csv_from_page.text == as_csv.text
    job = auditor.post(
        "/audit/jobs",
        data={"csrf_token": csrf_of(page.text), "scope": "filtered", "sample": "3", "seed": "7"},
    )
    assert job.status_code == 302 and "/audit/jobs/" in job.headers["Location"]
    job_id = int(job.headers["Location"].rsplit("/", 1)[1])
    assert eng.jobs.get(job_id).params["filters"] == {"sample": 3, "seed": 7}
    assert eng.jobs.get(job_id).total == 3


def test_verify_job_from_the_web_gives_a_signed_report(
    eng: Engine, as_user: Callable[[str], FlaskClient]
) -> None:
    case_id, _ = _case_with_document(eng)
    _case_with_document(eng)
    auditor = as_user("auditor")
    assert auditor.get(f"/cases/{case_id}").status_code == 200  # a read, so a chain to verify
    started = auditor.post("/api/v1/audit/jobs", json={}, headers=token_for(eng, "auditor"))
    assert started.status_code == 202, started.text
    job_id = started.json["id"]
    for _ in range(200):
        job = auditor.get(f"/api/v1/audit/jobs/{job_id}").json
        if job["status"] == "done":
            break
        time.sleep(0.05)
    assert job["status"] == "done" and job["done"] == job["total"] == 2
    assert "job-progress" in auditor.get(f"/audit/jobs/{job_id}").text
    report = auditor.get(f"/audit/jobs/{job_id}/report").data
    intact, summary = verify_report(report)
    assert intact, summary
    document = json.loads(report)
    assert document["summary"]["not_intact"] == [] and len(document["cases"]) == 2
    assert document["access"] and all(day["intact"] for day in document["access"])


def test_the_audit_page_of_a_case_links_its_access_record(
    eng: Engine, as_user: Callable[[str], FlaskClient]
) -> None:
    case_id, _ = _case_with_document(eng)
    page = as_user("auditor").get(f"/audit/cases/{case_id}")
    assert f"/audit/access?case={case_id}" in page.text
    record = as_user("auditor").get(f"/audit/access?case={case_id}")
    assert "replay" in record.text or "audit/putar ulang" in record.text
