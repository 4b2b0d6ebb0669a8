"""Sign-in limits: only failures count, per account and per address, in the database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from web_testkit import PASSWORD, csrf_of

from engine import Engine, ManualClock
from web import create_app


def _client(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _login(client: FlaskClient, name: str, password: str = PASSWORD) -> object:
    page = client.get("/login")
    return client.post(
        "/login", data={"username": name, "password": password, "csrf_token": csrf_of(page.text)}
    )


def test_twenty_officers_behind_one_address_all_sign_in(eng: Engine, app: Flask) -> None:
    for n in range(20):
        eng.users.add(f"petugas{n:02d}", "officer", ["disnaker"], PASSWORD)
    statuses = [
        _login(_client(app, "10.1.2.3"), f"petugas{n:02d}").status_code  # type: ignore[attr-defined]
        for n in range(20)
    ]
    assert statuses == [302] * 20


def test_six_wrong_passwords_lock_the_account_from_any_address_in_every_process(
    eng: Engine, clock: ManualClock
) -> None:
    # two web processes: two engines and apps on one database
    second = Engine(database_url=str(eng.db.engine.url), data_dir=Path(eng.data_dir), clock=clock)
    try:
        apps = [
            create_app({"LTSA_ENGINE": e, "TESTING": True, "SECRET_KEY": "s"})
            for e in (eng, second)
        ]
        statuses = [
            _login(_client(apps[n % 2], f"10.0.0.{n}"), "dukcapil", "salah-sekali").status_code  # type: ignore[attr-defined]
            for n in range(6)
        ]
        assert statuses == [401, 401, 401, 401, 429, 429]
        locked = _login(_client(apps[1], "10.9.9.9"), "dukcapil")
        assert locked.status_code == 429  # type: ignore[attr-defined]
        assert locked.headers["Retry-After"] == str(15 * 60)  # type: ignore[attr-defined]
        assert "Coba lagi pukul 15:15" in locked.text  # type: ignore[attr-defined]  # 08:00 UTC + 15 min, WIB
        # the other accounts at the same addresses are not affected
        assert _login(_client(apps[0], "10.0.0.1"), "disnaker").status_code == 302  # type: ignore[attr-defined]
        clock.advance(timedelta(minutes=15, seconds=1))
        assert _login(_client(apps[1], "10.0.0.1"), "dukcapil").status_code == 302  # type: ignore[attr-defined]
    finally:
        second.close()


def test_many_wrong_passwords_from_one_address_block_it_until_the_window_ends(
    eng: Engine, clock: ManualClock
) -> None:
    app = create_app(
        {"LTSA_ENGINE": eng, "SECRET_KEY": "x", "LTSA_LOGIN_ATTEMPTS": 3, "TESTING": True}
    )
    guesser = _client(app, "10.6.6.6")
    statuses = [
        _login(guesser, name, "whatever-1").status_code for name in ("a1", "b2", "c3", "dinkes")
    ]  # type: ignore[attr-defined]
    assert statuses == [401, 401, 401, 429]
    blocked = _login(guesser, "disnaker")  # even the right password waits
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert 0 < int(blocked.headers["Retry-After"]) <= 300  # type: ignore[attr-defined]
    assert "alamat ini" in blocked.text  # type: ignore[attr-defined]
    assert _login(_client(app, "10.7.7.7"), "disnaker").status_code == 302  # type: ignore[attr-defined]
    clock.advance(timedelta(seconds=301))
    assert _login(guesser, "disnaker").status_code == 302  # type: ignore[attr-defined]
