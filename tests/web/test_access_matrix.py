"""Every route refuses anonymous visitors and the wrong roles (an independent table)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_testkit import token_for

from engine import Engine

ALL = {"admin", "designer", "officer", "auditor"}
READERS = {"officer", "auditor", "admin"}
AUDITORS = {"auditor", "admin"}

EXPECTED: dict[str, set[str]] = {
    "auth.home": ALL,
    "auth.logout": ALL,
    "admin.users": {"admin"},
    "admin.add_user": {"admin"},
    "admin.update_user": {"admin"},
    "apidocs.docs": ALL,
    "api-docs.openapi_json": ALL,
    "api_cases.start_case": {"officer", "admin"},
    "api_cases.list_cases": READERS,
    "api_cases.get_case": READERS,
    "api_cases.history": READERS,
    "api_cases.send_message": {"officer", "admin"},
    "api_cases.withdraw": {"officer", "admin"},
    "api_audit.replay": AUDITORS,
    "api_audit.verify": AUDITORS,
    "api_audit.export": AUDITORS,
    "api_processes.list_processes": ALL,
    "api_processes.deploy": {"designer"},
    "api_tasks.list_tasks": READERS,
    "api_tasks.get_task": READERS,
    "api_tasks.complete": {"officer"},
    "api_tasks.claim": {"officer"},
    "api_tasks.unclaim": {"officer", "admin"},
    "audit.case": AUDITORS,
    "audit_cases.index": AUDITORS,
    "audit_cases.new_job": AUDITORS,
    "audit_cases.job": AUDITORS,
    "audit_cases.job_report": AUDITORS,
    "audit_cases.access": AUDITORS,
    "api_audit_cases.search_cases": AUDITORS,
    "api_audit_cases.case_access": AUDITORS,
    "api_audit_cases.create_job": AUDITORS,
    "api_audit_cases.get_job": AUDITORS,
    "api_audit_cases.job_report": AUDITORS,
    "cases.search": READERS,
    "cases.show": READERS,
    "cases.diagram": READERS,
    "cases.document": {"officer", "auditor"},
    "cases.start": {"officer", "admin"},
    "designer.index": {"designer", "admin"},
    "designer.upload": {"designer"},
    "designer.version_file": {"designer", "admin", "auditor"},
    "designer.modeler": {"designer"},
    "designer.modeler_deploy": {"designer"},
    "tasks.inbox": {"officer"},
    "tasks.show": {"officer"},
    "tasks.claim": {"officer"},
    "tasks.unclaim": {"officer"},
}
PUBLIC = {"auth.login", "auth.set_language", "static"}
USER_OF_ROLE = {
    "admin": "admin",
    "designer": "designer",
    "officer": "disnaker",
    "auditor": "auditor",
}
VALUES = {
    "case_id": 999,
    "task_id": 999,
    "sha256": "0" * 64,
    "key": "intake",
    "version": 1,
    "name": "intake.bpmn",
    "job_id": 999,
}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", str(VALUES[arg])).replace(
                f"<{arg}>", str(VALUES[arg])
            )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


def test_table_covers_every_endpoint(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - PUBLIC
    assert endpoints == set(EXPECTED)


def test_anonymous_is_sent_to_login_or_gets_401(app: Flask) -> None:
    client = app.test_client()
    for endpoint, method, url in _routes(app):
        response = client.open(url, method=method)
        if url.startswith("/api"):
            assert response.status_code == 401, (endpoint, method)
            assert response.is_json
        else:
            assert response.status_code == 302, (endpoint, method)
            assert response.headers["Location"].startswith("/login"), endpoint


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_reaches_exactly_its_routes(
    app: Flask, eng: Engine, as_user: Callable[[str], FlaskClient], role: str
) -> None:
    session_client = as_user(USER_OF_ROLE[role])
    token = token_for(eng, USER_OF_ROLE[role])
    for endpoint, method, url in _routes(app):
        if url.startswith("/api"):
            response = app.test_client().open(url, method=method, headers=token, json={})
        else:
            # No CSRF token: an allowed POST stops at 400 before doing anything.
            response = session_client.open(url, method=method)
        if role in EXPECTED[endpoint]:
            assert response.status_code not in (401, 403), (endpoint, method, role)
        else:
            assert response.status_code == 403, (endpoint, method, role, response.status_code)
