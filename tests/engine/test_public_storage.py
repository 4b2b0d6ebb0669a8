"""Tracking codes and rate counters on SQLite and PostgreSQL, shared by several processes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from engine import Actor, Engine, ManualClock, PublicDesk

CLERK = Actor("disnaker", "officer", ("disnaker",))


def test_a_code_registered_by_one_process_is_found_by_another(
    eng: Engine, make_engine, database_url: str
) -> None:
    case = eng.start("intake", {}, CLERK)
    other = make_engine(database_url)  # another web process: same database, same data dir
    first, second = PublicDesk(eng), PublicDesk(other)
    code = first.tracking_code(case.id)
    assert second.tracking_code(case.id) == code  # derived again, registered once
    assert second.codes.case_for(code) == case.id
    assert second.codes.case_for(code.replace(code[0], "2" if code[0] != "2" else "3", 1)) is None


def test_concurrent_hits_are_counted_exactly_once_each(
    eng: Engine, make_engine, database_url: str, clock: ManualClock
) -> None:
    desks = [PublicDesk(eng), PublicDesk(make_engine(database_url))]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda i: desks[i % 2].allow_hit("status", "10.0.0.7", 20), range(40))
        )
    assert answers.count(True) == 20
    clock.advance(timedelta(seconds=60))
    assert desks[0].allow_hit("status", "10.0.0.7", 20)
