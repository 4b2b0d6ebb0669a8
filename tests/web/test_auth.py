from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from web_testkit import csrf_of, login

from engine import Engine


def test_anonymous_visitor_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/tasks")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/tasks")


def test_officer_signs_in_and_lands_on_inbox(client: FlaskClient) -> None:
    response = login(client, "disnaker")
    assert response.status_code == 302
    assert response.headers["Location"] == "/tasks"
    assert client.get("/tasks").status_code == 200


def test_login_follows_only_local_next(client: FlaskClient) -> None:
    page = client.get("/login")
    data = {"username": "auditor", "password": "rahasia-2026", "csrf_token": csrf_of(page.text)}
    response = client.post("/login", data={**data, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/cases"
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/cases").text)})
    page = client.get("/login")
    data["csrf_token"] = csrf_of(page.text)
    response = client.post("/login", data={**data, "next": "/cases/1"})
    assert response.headers["Location"] == "/cases/1"


def test_wrong_password_is_refused_with_401(client: FlaskClient) -> None:
    response = login(client, "disnaker", "salah-sekali")
    assert response.status_code == 401
    assert "salah" in response.text  # Indonesian by default
    assert client.get("/tasks").status_code == 302


def test_five_wrong_passwords_lock_the_account(client: FlaskClient) -> None:
    statuses = [login(client, "dukcapil", "salah-sekali").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]  # the fifth locks, and says until when
    assert login(client, "dukcapil").status_code == 429  # locked even with the right password


def test_login_without_csrf_token_is_refused(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "disnaker", "password": "rahasia-2026"})
    assert response.status_code == 400


def test_logout_ends_the_session(client: FlaskClient) -> None:
    login(client, "disnaker")
    token = csrf_of(client.get("/tasks").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/tasks").status_code == 302


def test_login_starts_a_fresh_session(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
    login(client, "disnaker")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_deactivated_user_is_signed_out(app: Flask, eng: Engine) -> None:
    client = app.test_client()
    login(client, "dinkes")
    eng.users.update("dinkes", active=False)
    assert client.get("/tasks").status_code == 302


def test_language_switch_is_kept_in_session(client: FlaskClient) -> None:
    page = client.get("/login")
    assert "Masuk" in page.text
    client.post(
        "/language", data={"lang": "en", "back": "/login", "csrf_token": csrf_of(page.text)}
    )
    assert "Sign in" in client.get("/login").text
