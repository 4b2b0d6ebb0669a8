from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from web_testkit import ready_task, submit

from engine import Actor, Engine

USERS = "/admin/users"


def test_admin_adds_a_user(as_user: Callable[[str], FlaskClient], eng: Engine) -> None:
    data = {
        "name": "petugas.bank",
        "role": "officer",
        "desks": ["bank"],
        "password": "panjang-sekali",
    }
    response = submit(as_user("admin"), USERS, data)
    assert response.status_code == 302
    assert eng.users.get("petugas.bank").desks == ("bank",)


def test_invalid_user_is_refused_with_messages(as_user: Callable[[str], FlaskClient]) -> None:
    data = {"name": "x", "role": "officer", "password": "short"}
    response = submit(as_user("admin"), USERS, data)
    assert response.status_code == 422
    assert 'class="error"' in response.text


def test_admin_changes_desks_and_deactivates(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    data = {"role": "officer", "desks": ["dinkes", "polri"]}
    response = submit(as_user("admin"), USERS, data, to=f"{USERS}/dinkes")
    assert response.status_code == 302
    user = eng.users.get("dinkes")
    assert user.desks == ("dinkes", "polri") and not user.active


def test_admin_cannot_deactivate_themselves(as_user: Callable[[str], FlaskClient]) -> None:
    response = submit(as_user("admin"), USERS, {"role": "admin"}, to=f"{USERS}/admin")
    assert response.status_code == 422


def test_admin_adds_a_head_of_office_to_an_office(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    eng.offices.add("indramayu", "LTSA Kabupaten Indramayu")
    client = as_user("admin")
    assert "LTSA Kabupaten Indramayu" in client.get(USERS).text
    data = {
        "name": "kepala.indramayu",
        "role": "kepala",
        "office": "indramayu",
        "password": "panjang-sekali",
    }
    assert submit(client, USERS, data).status_code == 302
    assert eng.users.get("kepala.indramayu").office == "indramayu"


# --- moving an officer to another office ---------------------------------------------------

MOVE = {"role": "officer", "desks": ["disnaker"], "active": "on", "office": "indramayu"}


def test_admin_moves_an_officer_and_their_access_follows(
    as_user: Callable[[str], FlaskClient], eng: Engine, clerk: Actor
) -> None:
    eng.offices.add("indramayu", "LTSA Kabupaten Indramayu")
    here = eng.start("intake", {}, clerk).id  # the default office, utama
    there = eng.start("intake", {}, Actor("root", "admin"), office="indramayu").id
    held = ready_task(eng, here, "register")
    officer = as_user("disnaker")
    assert submit(officer, "/tasks", {}, to=f"/tasks/{held}/claim").status_code == 302
    admin = as_user("admin")
    page = admin.get(USERS).text
    assert 'name="office" form="user-' in page and "Lepaskan tugas yang diklaim" in page

    assert admin.post(f"{USERS}/disnaker", data=MOVE).status_code == 400  # no CSRF token
    refused = submit(admin, USERS, MOVE, to=f"{USERS}/disnaker")
    assert refused.status_code == 409
    assert f"tugas {held} pada kasus {here} (Pendaftaran CPMI)" in refused.text
    assert eng.users.get("disnaker").office == "utama" and eng.get_task(held).assignee

    moved = submit(admin, USERS, {**MOVE, "release_claims": "on"}, to=f"{USERS}/disnaker")
    assert moved.status_code == 302
    assert eng.users.get("disnaker").office == "indramayu"
    assert eng.get_task(held).assignee is None  # back at the Disnaker desk of utama
    inbox = officer.get("/tasks").text  # the same session: the move applies at once
    assert f'href="/tasks/{ready_task(eng, there, "register")}"' in inbox
    assert f'href="/tasks/{held}"' not in inbox
    assert officer.get(f"/cases/{here}").status_code == 404
    assert officer.get(f"/cases/{there}").status_code == 200


def test_an_unknown_office_is_refused_by_name_and_nothing_changes(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    admin = as_user("admin")
    submit(admin, USERS, {"lang": "en"}, to="/language")
    data = {**MOVE, "desks": ["polri"], "office": "atlantis"}
    refused = submit(admin, USERS, data, to=f"{USERS}/disnaker")
    assert refused.status_code == 422 and "office: unknown office: atlantis" in refused.text
    assert "Release claimed tasks" in refused.text  # the English label
    user = eng.users.get("disnaker")
    assert (user.office, user.desks) == ("utama", ("disnaker",))
