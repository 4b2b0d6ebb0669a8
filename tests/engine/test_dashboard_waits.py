"""Waiting times from the worker's daily rollup equal the live ones and hand-computed ones.

On SQLite and PostgreSQL: a journal seeded over several days (waits with
microseconds, completions on both sides of midnight in Asia/Jakarta), read
for periods with whole and partial days, before the worker rolls the days
up, after, with a day's rollup invalidated, and after a commit that landed
in a day already rolled up.
"""

from __future__ import annotations

import math
import random
import statistics
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from cli.main import main
from engine import Actor, Engine, ManualClock, Waiting
from engine.store.models import TaskRow, WaitDayRow
from tests.conftest import TEST_BPMN

HQ = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"), "utama")
FAR = Actor("budi", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"), "indramayu")
WIB = ZoneInfo("Asia/Jakarta")
Done = list[tuple[datetime, str, str, float]]  # completed at, desk, element, wait (s)


def _wib(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=WIB)


def _complete(eng: Engine, clock: ManualClock, case_id: int, name: str, actor: Actor) -> tuple:
    task = next(t for t in eng.list_tasks(case_id=case_id) if t.name == name)
    data = {
        "register": {"full_name": "Siti", "age": 30},
        "verify_ektp": {"ektp_valid": True},
        "health_check": {"health_result": "fit"},
    }[name]
    eng.complete_task(task.id, data, actor)
    return clock.now(), task.desk or "-", name, (clock.now() - task.created_at).total_seconds()


def _step(clock: ManualClock, rng: random.Random) -> None:
    clock.advance(
        timedelta(
            hours=rng.randint(0, 7),
            minutes=rng.randint(0, 59),
            seconds=rng.randint(0, 59),
            microseconds=rng.randint(0, 999_999),
        )
    )


def _seed(eng: Engine, clock: ManualClock, rng: random.Random, cases: int = 14) -> Done:
    """Cases of two offices, their tasks completed over about five days; utama's completions."""
    eng.offices.add("indramayu", "LTSA Kabupaten Indramayu")
    FIRST_DAYS.clear()
    clock.set(_wib(1, 21, 30))
    done: Done = []
    for n in range(cases):
        actor = FAR if n % 5 == 4 else HQ
        case = eng.start("intake", {}, actor)
        mine: Done = []
        _step(clock, rng)
        mine.append(_complete(eng, clock, case.id, "register", actor))
        for name in rng.sample(["verify_ektp", "health_check"], k=rng.randint(0, 2)):
            _step(clock, rng)
            mine.append(_complete(eng, clock, case.id, name, actor))
        done.extend(mine if actor is HQ else [])
        FIRST_DAYS.setdefault(actor.office or "", mine[0][0].astimezone(WIB).date())
    return done


FIRST_DAYS: dict[str, date] = {}  # office -> the day of its first completion, as seeded last


def _office_days(last: date) -> int:
    """How many office-days the worker rolls up: from each office's first completion to `last`."""
    return sum((last - first).days + 1 for first in FIRST_DAYS.values())


def _expected(done: Done, start: datetime, end: datetime) -> tuple[dict, dict]:
    """Per desk and per element: count, statistics.median and the nearest-rank p90, by hand."""
    by: dict[str, dict[str, list[float]]] = {"desk": {}, "element": {}}
    for at, desk, name, wait in done:
        if start <= at < end:
            by["desk"].setdefault(desk, []).append(wait)
            by["element"].setdefault(name, []).append(wait)

    def waiting(values: list[float]) -> Waiting:
        ordered = sorted(values)
        rank = math.ceil(0.9 * len(ordered))  # nearest rank: the smallest with 90 % at or below
        return Waiting(len(ordered), statistics.median(ordered), ordered[rank - 1])

    return (
        {k: waiting(v) for k, v in by["desk"].items()},
        {k: waiting(v) for k, v in by["element"].items()},
    )


def _figures(eng: Engine, start: datetime, end: datetime) -> tuple[dict, dict]:
    figures = eng.dashboard("utama", start, end)
    assert figures is not None
    by_desk = {d.desk: d.waiting for d in figures.desks if d.waiting.count}
    return by_desk, dict(figures.elements)


def _periods(now: datetime) -> list[tuple[datetime, datetime]]:
    return [
        (_wib(2), _wib(5)),  # whole days
        (_wib(1, 13, 37, 12), _wib(4, 8, 15)),  # partial first and last days
        (_wib(3, 23, 59, 59), _wib(4, 0, 0, 1)),  # two seconds across midnight
        (_wib(1), now),  # up to now: today is live
        (_wib(3), _wib(4)),  # one day
        (_wib(3), _wib(3)),  # nothing
        (datetime(2026, 3, 2, 17, 0, tzinfo=UTC), datetime(2026, 3, 4, 17, 0, tzinfo=UTC)),
    ]


def _assert_exact(eng: Engine, done: Done, now: datetime) -> None:
    for start, end in _periods(now):
        assert _figures(eng, start, end) == _expected(done, start, end), (start, end)


def _rolled(eng: Engine) -> dict[date, bool]:
    with eng.db.engine.connect() as connection:
        rows = connection.execute(
            select(WaitDayRow.day, WaitDayRow.stale).where(WaitDayRow.office == "utama")
        )
        return {day: stale for day, stale in rows}


def _roll_all(eng: Engine) -> int:
    total = 0
    while rolled := eng.roll_up_waits(limit=3):  # small batches: the worker's way, in pieces
        total += rolled
    return total


def _rolled_up(eng: Engine, clock: ManualClock, seed: int) -> Done:
    """Seeded over 1–5 March, every closed day rolled up on 6 March at 09:00."""
    done = _seed(eng, clock, random.Random(seed))
    clock.set(_wib(6, 9))
    _roll_all(eng)
    return done


def test_rolled_up_waits_equal_live_and_hand_computed_ones(eng: Engine, clock: ManualClock) -> None:
    done = _seed(eng, clock, random.Random(5))
    assert len({at.astimezone(WIB).date() for at, *_ in done}) >= 4, "spread over days"
    clock.set(_wib(6, 9))
    _assert_exact(eng, done, clock.now())  # nothing rolled up: all live

    rolled = _roll_all(eng)
    days = _rolled(eng)
    # every closed day from the first completion to yesterday (6 March is today), both offices
    first = FIRST_DAYS["utama"]
    assert sorted(days) == [
        first + timedelta(days=n) for n in range((date(2026, 3, 5) - first).days + 1)
    ]
    assert rolled == _office_days(date(2026, 3, 5)) and not any(days.values())
    _assert_exact(eng, done, clock.now())

    clock.set(_wib(7, 0, 5))  # 6 March closed 5 minutes ago: within the grace, not rolled
    assert eng.roll_up_waits() == 0 and date(2026, 3, 6) not in _rolled(eng)
    clock.set(_wib(7, 0, 11))
    assert eng.roll_up_waits() == 2 and date(2026, 3, 6) in _rolled(eng)
    assert _roll_all(eng) == 0
    _assert_exact(eng, done, clock.now())


def test_the_dashboard_reads_rolled_up_days_and_an_invalidated_day_live(
    eng: Engine, clock: ManualClock
) -> None:
    done = _rolled_up(eng, clock, 8)
    day = date(2026, 3, 3)
    # a forged rollup of 3 March: the figures change, so they come from the rollup
    this_day = (WaitDayRow.office == "utama", WaitDayRow.day == day)
    with eng.db.engine.begin() as connection:
        header = connection.execute(select(WaitDayRow.groups).where(*this_day)).scalar_one()
        forged = sum(n for _, _, n in header)
        many_days = (10**12).to_bytes(8, "little") * forged
        connection.execute(update(WaitDayRow).where(*this_day).values(waits=many_days))
    assert forged > 0
    whole = (_wib(2), _wib(5))
    assert _figures(eng, *whole) != _expected(done, *whole)

    assert eng.invalidate_waits("utama", day, day) == 1
    assert _rolled(eng)[day] is True
    _assert_exact(eng, done, clock.now())  # the stale day is read live
    assert eng.roll_up_waits() == 1  # the worker rolls it again
    assert _rolled(eng)[day] is False
    _assert_exact(eng, done, clock.now())
    assert eng.invalidate_waits(None, date(2026, 3, 4), date(2026, 3, 5)) == 4  # both offices


def test_a_completion_landing_in_a_rolled_up_day_is_counted_at_the_next_roll_up(
    eng: Engine, clock: ManualClock
) -> None:
    done = _rolled_up(eng, clock, 13)
    # a commit that lands after the grace, dated 5 March (as a clock set back would)
    clock.set(_wib(5, 10, 0, 0))
    case = eng.start("intake", {}, HQ)
    clock.advance(timedelta(minutes=42, microseconds=7))
    late = _complete(eng, clock, case.id, "register", HQ)
    clock.set(_wib(6, 9, 30))
    whole = (_wib(2), _wib(6))
    # until the worker's next run the rolled-up day lacks it (the stated lag of a late commit)
    assert _figures(eng, *whole) == _expected(done, *whole)
    assert eng.roll_up_waits() == 1  # recounted, found one more, rolled again
    done.append(late)
    _assert_exact(eng, done, clock.now())
    assert _figures(eng, *whole) == _expected(done, *whole)
    assert (
        _figures(eng, *whole)[0]["disnaker"].count == _expected(done, *whole)[0]["disnaker"].count
    )


def test_rolled_up_medians_equal_postgres_percentiles(eng: Engine, clock: ManualClock) -> None:
    """The former computation on PostgreSQL (percentile_cont, percentile_disc) agrees."""
    done = _seed(eng, clock, random.Random(21), cases=20)
    clock.set(_wib(6, 9))
    _roll_all(eng)
    start, end = _wib(1, 13), clock.now()
    by_desk, by_element = _figures(eng, start, end)
    if eng.db.engine.dialect.name != "postgresql":
        assert (by_desk, by_element) == _expected(done, start, end)
        return
    seconds = func.extract("epoch", TaskRow.completed_at - TaskRow.created_at)
    query = (
        select(
            TaskRow.desk,
            func.count(),
            func.percentile_cont(0.5).within_group(seconds),
            func.percentile_disc(0.9).within_group(seconds),
        )
        .where(
            TaskRow.office == "utama",
            TaskRow.completed_at >= start,
            TaskRow.completed_at < end,
            TaskRow.state == "completed",
        )
        .group_by(TaskRow.desk)
    )
    with eng.db.engine.connect() as connection:
        rows = connection.execute(query).all()
    assert {desk: (n, float(p90)) for desk, n, _, p90 in rows} == {
        desk: (w.count, w.p90) for desk, w in by_desk.items()
    }
    for desk, _, median, _ in rows:  # PostgreSQL interpolates lo + (hi - lo) / 2: one ulp at most
        assert math.isclose(float(median), by_desk[desk].median or 0.0, rel_tol=1e-15)


def test_workers_rolling_up_at_once_roll_each_day_once(eng: Engine, clock: ManualClock) -> None:
    done = _seed(eng, clock, random.Random(34))
    clock.set(_wib(6, 9))
    errors: list[BaseException] = []
    counts: list[int] = []

    def worker() -> None:
        try:
            counts.append(_roll_all(eng))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == _office_days(date(2026, 3, 5))  # each once, whoever rolled it
    with eng.db.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(WaitDayRow)) == sum(counts)
    _assert_exact(eng, done, clock.now())


def test_the_worker_rolls_up_closed_days(
    make_engine: Callable[..., Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ltsa worker --once` (system clock) rolls up the days that closed, a task's day included."""
    url = f"sqlite:///{tmp_path / 'ltsa.db'}"
    clock = ManualClock(datetime.now(UTC) - timedelta(days=3))
    eng = make_engine(url, clock=clock)
    eng.deploy([TEST_BPMN], actor="designer")
    case = eng.start("intake", {}, HQ)
    clock.advance(timedelta(hours=3))
    at = _complete(eng, clock, case.id, "register", HQ)[0]
    monkeypatch.setenv("LTSA_DATABASE_URL", url)
    monkeypatch.setenv("LTSA_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    with eng.db.engine.connect() as connection:
        days = dict(connection.execute(select(WaitDayRow.day, WaitDayRow.tasks)).all())
    today = datetime.now(WIB).date()
    assert days[at.astimezone(WIB).date()] == 1
    assert max(days) < today and sum(days.values()) == 1


def test_a_roll_up_that_dies_mid_day_leaves_the_day_live(
    eng: Engine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed inside a day's transaction: nothing of that day stays, it is read live."""
    done = _seed(eng, clock, random.Random(55))
    clock.set(_wib(6, 9))

    def killed(values: object) -> bytes:
        raise KeyboardInterrupt  # as a kill between the day's first write and its commit

    monkeypatch.setattr("engine.waits._pack", killed)
    with pytest.raises(KeyboardInterrupt):
        eng.roll_up_waits()
    with eng.db.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(WaitDayRow)) == 0
    _assert_exact(eng, done, clock.now())
    monkeypatch.undo()
    assert _roll_all(eng) == _office_days(date(2026, 3, 5))
    _assert_exact(eng, done, clock.now())
