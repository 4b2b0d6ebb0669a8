"""Every /api/v1 operation of the OpenAPI document, fed random parameters and bodies.

The requests are drawn from the document itself (path, query and header
parameters, JSON and multipart bodies), mixed with values that break its
rules (out of range, wrong type, huge numbers, odd text). Whatever comes in,
the API never answers 500 and every error is JSON ``{code, message, errors}``.
Signed in by token as a user whose role may use the route, now and then as
one who may not.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_testkit import BPMN_DIR, PEOPLE, ready_task, token_for

from engine import Actor, Engine
from web.access import roles_for

EXAMPLES = 25
SPEC_METHODS = {"get", "post", "put", "patch", "delete"}
FORM_FIELDS = ["full_name", "age", "health_result", "ektp_valid", "nik", "marital_status_letter"]
KNOWN_WORDS = ["intake", "documents", "disnaker", "job_order_verified", "ready", "any", "Siti"]

_budget: dict[str, float] = {"spent": 0.0}

texts = st.one_of(
    st.sampled_from(KNOWN_WORDS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="ascii"), max_size=300),
)
integers = st.one_of(st.integers(-3, 12), st.integers(-(2**70), 2**70))
json_values = st.recursive(
    st.none() | st.booleans() | integers | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
header_values = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=220)


def _value_for(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value that fits `schema` most of the time and breaks it sometimes."""
    kind = schema.get("type")
    fitting: st.SearchStrategy[Any]
    if "enum" in schema:
        fitting = st.sampled_from(schema["enum"])
    elif kind == "integer":
        low, high = schema.get("minimum", -5), schema.get("maximum", 2**63 - 1)
        fitting = st.integers(low, min(high, low + 20)) | st.integers(low, high)
    elif kind == "boolean":
        fitting = st.booleans()
    elif kind == "string":
        fitting = texts
    elif kind == "object":
        fitting = st.dictionaries(st.sampled_from(FORM_FIELDS) | texts, json_values, max_size=5)
    else:
        fitting = json_values
    return st.one_of(fitting, fitting, json_values)


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


@st.composite
def _json_body(draw: st.DrawFn, schema: dict[str, Any]) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    body = {}
    for name, prop in schema.get("properties", {}).items():
        if name in schema.get("required", []) or draw(st.booleans()):
            body[name] = draw(_value_for(prop))
    if draw(st.integers(0, 5)) == 0:
        body[draw(texts)] = draw(json_values)
    return body


@st.composite
def _uploads(draw: st.DrawFn) -> list[tuple[io.BytesIO, str]]:
    sources = [p.read_bytes() for p in sorted(BPMN_DIR.iterdir())]
    files = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(["x.bpmn", "y.dmn", "z.txt", "intake.bpmn", ""]) | texts)
        content = draw(
            st.sampled_from(sources).map(lambda b: b[: len(b) // 2])
            | st.sampled_from(sources)
            | st.binary(max_size=300)
        )
        files.append((io.BytesIO(content), name))
    return files


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in spec["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if method in SPEC_METHODS:
                params = item.get("parameters", []) + operation.get("parameters", [])
                found.append((method.upper(), path, {**operation, "parameters": params}))
    return sorted(found, key=lambda op: (op[1], op[0]))


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


@st.composite
def _request(draw: st.DrawFn, spec: dict[str, Any], path: str, operation: dict[str, Any]) -> Any:
    url, query, headers = path, {}, {}
    for param in operation["parameters"]:
        value = draw(_value_for(param["schema"]))
        if param["in"] == "path" and param["schema"].get("type") == "integer":
            value = draw(st.integers(1, 8)) if draw(st.integers(0, 2)) else value
        if param["in"] == "path":
            text = str(value) if isinstance(value, int) and value >= 0 else _query_text(value)
            url = url.replace("{" + param["name"] + "}", quote(text, safe="") or "x")
        elif param["in"] == "query" and draw(st.booleans()):
            query[param["name"]] = _query_text(value)
        elif param["in"] == "header" and draw(st.booleans()):
            headers[param["name"]] = draw(header_values | st.sampled_from(["k-1", "k-2"]))
    content = operation.get("requestBody", {}).get("content", {})
    kwargs: dict[str, Any] = {"query_string": query, "headers": headers}
    if "application/json" in content:
        schema = _resolve(spec, content["application/json"]["schema"])
        kwargs["json"] = draw(_json_body(schema))
    elif "multipart/form-data" in content:
        kwargs["data"] = {"files": draw(_uploads())}
        kwargs["content_type"] = "multipart/form-data"
    return url, kwargs


@pytest.fixture
def living_app(app: Flask, eng: Engine, clerk: Actor) -> Iterator[Flask]:
    """The app with cases at a few steps, so random ids often hit real cases and tasks."""
    eng.start("intake", {}, clerk)
    registered = eng.start("intake", {"full_name": "Siti"}, clerk)
    eng.complete_task(
        ready_task(eng, registered.id, "register"), {"full_name": "S", "age": 30}, clerk
    )
    rejected = eng.start("intake", {}, clerk)
    eng.complete_task(ready_task(eng, rejected.id, "register"), {"full_name": "R", "age": 9}, clerk)
    withdrawn = eng.start("intake", {}, clerk)
    eng.withdraw(withdrawn.id, "pindah", clerk)
    yield app


def _spec(app: Flask, eng: Engine) -> dict[str, Any]:
    spec: dict[str, Any] = (
        app.test_client().get("/api/openapi.json", headers=token_for(eng, "admin")).json
    )
    return spec


def _users_by_role() -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for name, (role, _desks) in PEOPLE.items():
        users.setdefault(role, []).append(name)
    return users


def _flask_rule(path: str) -> str:
    for name, value in (
        ("{case_id}", "1"),
        ("{task_id}", "1"),
        ("{job_id}", "1"),
        ("{name}", "x"),
        ("{code}", "x"),
        ("{key}", "intake"),
    ):
        path = path.replace(name, value)
    return path


def test_every_api_operation_is_fuzzed(living_app: Flask, eng: Engine) -> None:
    operations = {(m, p) for m, p, _ in _operations(_spec(living_app, eng))}
    assert len(operations) == len(OPERATION_IDS)
    assert operations == set(OPERATION_IDS)


OPERATION_IDS = [
    ("GET", "/api/v1/cases"),
    ("POST", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{case_id}"),
    ("GET", "/api/v1/cases/{case_id}/export"),
    ("GET", "/api/v1/cases/{case_id}/history"),
    ("POST", "/api/v1/cases/{case_id}/messages/{name}"),
    ("GET", "/api/v1/cases/{case_id}/replay"),
    ("GET", "/api/v1/cases/{case_id}/verify"),
    ("POST", "/api/v1/cases/{case_id}/withdraw"),
    ("GET", "/api/v1/dashboard"),
    ("GET", "/api/v1/processes"),
    ("POST", "/api/v1/processes"),
    ("POST", "/api/v1/processes/test"),
    ("POST", "/api/v1/public/complaints"),
    ("GET", "/api/v1/public/complaints/{code}"),
    ("GET", "/api/v1/public/offices"),
    ("GET", "/api/v1/public/requirements"),
    ("GET", "/api/v1/public/status"),
    ("POST", "/api/v1/processes/{key}/migrations"),
    ("GET", "/api/v1/tasks"),
    ("GET", "/api/v1/tasks/{task_id}"),
    ("POST", "/api/v1/tasks/{task_id}/claim"),
    ("POST", "/api/v1/tasks/{task_id}/complete"),
    ("POST", "/api/v1/tasks/{task_id}/unclaim"),
    ("GET", "/api/v1/audit/cases"),
    ("GET", "/api/v1/cases/{case_id}/access"),
    ("POST", "/api/v1/audit/jobs"),
    ("GET", "/api/v1/audit/jobs/{job_id}"),
    ("GET", "/api/v1/audit/jobs/{job_id}/report"),
]


@pytest.mark.parametrize(("method", "path"), OPERATION_IDS, ids=lambda v: str(v))
def test_random_requests_never_answer_500_and_errors_are_json(
    living_app: Flask, eng: Engine, method: str, path: str
) -> None:
    spec = _spec(living_app, eng)
    operation = next(op for m, p, op in _operations(spec) if (m, p) == (method, path))
    endpoint = living_app.url_map.bind("localhost").match(_flask_rule(path), method)[0]
    with living_app.app_context():
        allowed = roles_for(endpoint, method) or frozenset()
    users = _users_by_role()
    permitted = sorted(name for role in allowed for name in users.get(role, []))
    tokens = {name: token_for(eng, name) for name in PEOPLE}
    client: FlaskClient = living_app.test_client()
    started = time.monotonic()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        request=_request(spec, path, operation),
        user=st.sampled_from(permitted * 3 + sorted(PEOPLE)),
    )
    def check(request: tuple[str, dict[str, Any]], user: str) -> None:
        url, kwargs = request
        kwargs["headers"] = {**kwargs["headers"], **tokens[user]}
        response = client.open(url, method=method, **kwargs)
        assert response.status_code < 500, (url, kwargs, response.get_data(as_text=True)[:500])
        if response.status_code >= 400:
            assert response.is_json, (url, response.status_code)
            body = response.json
            assert set(body) >= {"code", "message", "errors"}, body
            assert isinstance(body["errors"], dict) and isinstance(body["message"], str)

    check()
    _budget["spent"] += time.monotonic() - started
    assert _budget["spent"] < 60, "the fuzzing took too long; lower EXAMPLES"
