"""Moving a user to another office: what they hold there, bad offices, the roles' one source."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from engine import USER_ROLES, Actor, ClaimsHeld, Engine, Role, ValidationFailed

DESKS = ("disnaker", "dukcapil")


@pytest.fixture
def two(eng: Engine) -> Engine:
    eng.offices.add("indramayu", "LTSA Kabupaten Indramayu")
    eng.users.add("sri", "officer", DESKS)  # the default office, utama
    return eng


def _claimed_register_task(eng: Engine, office: str) -> tuple[int, int]:
    """A case of `office` whose registration task sri claimed there: (case id, task id)."""
    case = eng.start("intake", {}, eng.users.get("root").actor, office=office)
    task = case.ready_tasks[0]
    eng.claim(task.id, Actor("sri", "officer", DESKS, office))
    return case.id, task.id


@pytest.fixture
def root(two: Engine) -> Engine:
    two.users.add("root", "admin")
    return two


def test_a_move_is_refused_naming_the_tasks_held_in_the_office_left(root: Engine) -> None:
    case_id, task_id = _claimed_register_task(root, "utama")
    _, kept_id = _claimed_register_task(root, "indramayu")  # in the office she moves to
    with pytest.raises(ClaimsHeld) as refused:
        root.users.update("sri", desks=["disnaker"], office="indramayu")
    assert [(t.id, t.case_id, t.office) for t in refused.value.tasks] == [
        (task_id, case_id, "utama")
    ]
    assert f"task {task_id} of case {case_id}" in str(refused.value)
    sri = root.users.get("sri")
    assert (sri.office, sri.desks) == ("utama", DESKS)  # nothing changed
    assert root.get_task(task_id).assignee == "sri"

    moved = root.users.update("sri", office="indramayu", release_claims=True)
    assert moved.office == "indramayu" and moved.actor.office == "indramayu"
    assert root.get_task(task_id).assignee is None  # back at its desk in utama
    assert root.get_task(kept_id).assignee == "sri"  # still hers, in her new office
    inbox = root.list_tasks(desk=DESKS, office=moved.office)
    assert {t.id for t in inbox} == {kept_id}


@pytest.mark.parametrize(
    "change",
    [{"active": False}, {"role": "auditor"}, {"desks": ["dukcapil"]}],
    ids=["deactivated", "no-longer-an-officer", "desk-taken-away"],
)
def test_any_change_that_strands_a_claim_is_refused_until_released(
    root: Engine, change: dict[str, object]
) -> None:
    case_id, task_id = _claimed_register_task(root, "utama")
    assert root.get_task(task_id).desk == "disnaker"
    root.users.update("sri", password="kata-sandi-baru")  # her claim is not touched: allowed
    with pytest.raises(ClaimsHeld) as refused:
        root.users.update("sri", **change)
    assert [(t.id, t.case_id) for t in refused.value.tasks] == [(task_id, case_id)]
    assert "could no longer work" in str(refused.value)
    sri = root.users.get("sri")
    assert (sri.role, sri.desks, sri.active) == ("officer", DESKS, True)  # nothing changed
    assert root.get_task(task_id).assignee == "sri"

    root.users.update("sri", release_claims=True, **change)
    assert root.get_task(task_id).assignee is None  # back at the disnaker desk
    root.claim(task_id, Actor("budi", "officer", ("disnaker",), "utama"))  # a colleague takes it


def test_an_unknown_office_is_refused_by_name_and_nothing_changes(two: Engine) -> None:
    with pytest.raises(ValidationFailed) as refused:
        two.users.update("sri", desks=["dinkes"], active=False, office="atlantis")
    assert refused.value.errors == {"office": ["unknown office: atlantis"]}
    sri = two.users.get("sri")
    assert (sri.office, sri.desks, sri.active) == ("utama", DESKS, True)


def test_officers_stay_in_an_office_and_others_may_be_national(two: Engine) -> None:
    with pytest.raises(ValidationFailed) as refused:
        two.users.update("sri", office="")
    assert list(refused.value.errors) == ["office"]
    assert two.users.get("sri").office == "utama"
    two.users.add("dewi", "auditor", office="indramayu")
    assert two.users.update("dewi", office="").office is None
    # a national user made an officer goes to the default office, as when added
    assert two.users.update("dewi", role="officer", desks=["disnaker"]).office == "utama"
    assert two.users.update("dewi", role="auditor").office == "utama"  # kept, unless asked


def test_role_messages_name_every_role_from_the_one_source(two: Engine) -> None:
    assert set(USER_ROLES) == set(Role) - {Role.SYSTEM}
    expected = ["one of " + ", ".join(USER_ROLES)]
    with pytest.raises(ValidationFailed) as added:
        two.users.add("wati", "boss", ["disnaker"], "panjang-sekali")
    with pytest.raises(ValidationFailed) as updated:
        two.users.update("sri", role="system")
    assert added.value.errors["role"] == updated.value.errors["role"] == expected
    assert "kepala" in expected[0] and "system" not in expected[0]


def test_cli_moves_a_user_and_names_what_stops_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LTSA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("LTSA_DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    assert run("db", "upgrade").exit_code == 0
    assert run("office", "add", "cirebon", "--name", "LTSA Kabupaten Cirebon").exit_code == 0
    assert run("user", "add", "rina", "--role", "officer", "--desk", "disnaker").exit_code == 0
    eng = Engine.from_env()
    try:
        eng.deploy([Path(__file__).parent / "bpmn"], actor="designer")
        case = eng.start("intake", {}, eng.users.get("rina").actor)
        eng.claim(case.ready_tasks[0].id, eng.users.get("rina").actor)
    finally:
        eng.close()
    unknown = run("user", "update", "rina", "--office", "atlantis")
    assert unknown.exit_code == 3 and "office: unknown office: atlantis" in unknown.output
    held = run("user", "update", "rina", "--office", "cirebon")
    assert held.exit_code == 4 and f"of case {case.id}" in held.output
    moved = run("user", "update", "rina", "--office", "cirebon", "--release-claims")
    assert moved.exit_code == 0 and "office cirebon" in moved.output
    added = run("user", "add", "wati", "--role", "kepala", "--office", "cirebon")
    assert added.exit_code == 0  # the CLI's role choice comes from the same source
