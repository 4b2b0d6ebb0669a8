from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from web_testkit import csrf_of

from engine import Engine


def test_admin_adds_a_user(as_user: Callable[[str], FlaskClient], eng: Engine) -> None:
    client = as_user("admin")
    token = csrf_of(client.get("/admin/users").text)
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "name": "petugas.bank",
            "role": "officer",
            "desks": ["bank"],
            "password": "panjang-sekali",
        },
    )
    assert response.status_code == 302
    assert eng.users.get("petugas.bank").desks == ("bank",)


def test_invalid_user_is_refused_with_messages(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    client = as_user("admin")
    token = csrf_of(client.get("/admin/users").text)
    response = client.post(
        "/admin/users",
        data={"csrf_token": token, "name": "x", "role": "officer", "password": "short"},
    )
    assert response.status_code == 422
    assert 'class="error"' in response.text


def test_admin_changes_desks_and_deactivates(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    client = as_user("admin")
    token = csrf_of(client.get("/admin/users").text)
    response = client.post(
        "/admin/users/dinkes",
        data={"csrf_token": token, "role": "officer", "desks": ["dinkes", "polri"]},
    )
    assert response.status_code == 302
    user = eng.users.get("dinkes")
    assert user.desks == ("dinkes", "polri") and not user.active


def test_admin_cannot_deactivate_themselves(as_user: Callable[[str], FlaskClient]) -> None:
    client = as_user("admin")
    token = csrf_of(client.get("/admin/users").text)
    response = client.post("/admin/users/admin", data={"csrf_token": token, "role": "admin"})
    assert response.status_code == 422


def test_admin_adds_a_head_of_office_to_an_office(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    eng.offices.add("indramayu", "LTSA Kabupaten Indramayu")
    client = as_user("admin")
    page = client.get("/admin/users")
    assert "LTSA Kabupaten Indramayu" in page.text
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf_of(page.text),
            "name": "kepala.indramayu",
            "role": "kepala",
            "office": "indramayu",
            "password": "panjang-sekali",
        },
    )
    assert response.status_code == 302
    assert eng.users.get("kepala.indramayu").office == "indramayu"
