"""A national-size inbox: bulk-seeded cases and tasks, then the queries officers wait on.

Rows go straight into `cases`, `tasks` and `journal_events` (tables
reflected from the database the engine migrated, so this module never
imports the engine's models): COPY on PostgreSQL, batched INSERTs on SQLite.
The queries are timed through the engine's public API, except the dashboard's
per-desk counts, which have no engine call yet and are timed as SQL.
"""

from __future__ import annotations

import itertools
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import MetaData, Table, func, select, text

from bench.completion import START
from bench.workloads import LTSA_KEY
from engine import Engine

__all__ = ["measure_queries", "seed"]

# The LTSA user tasks in the order a case meets them: (name, desk, title).
STAGES: list[tuple[str, str, str]] = [
    ("registrasi", "disnaker", "Pendaftaran CPMI"),
    ("periksa_dokumen", "disnaker", "Periksa dokumen persyaratan"),
    ("cetak_ak1", "disnaker", "Cetak kartu AK.1"),
    ("verifikasi_ektp", "dukcapil", "Verifikasi e-KTP"),
    ("pemeriksaan_kesehatan", "dinkes", "Pemeriksaan kesehatan"),
    ("penerbitan_paspor", "imigrasi", "Penerbitan paspor"),
    ("penerbitan_skck", "polri", "Penerbitan SKCK"),
    ("kepesertaan_bpjs", "bpjs", "Kepesertaan BPJS"),
    ("pembayaran_bpjs", "bank", "Pembayaran iuran BPJS"),
    ("wawancara_pp", "p3mi", "Wawancara dan perjanjian penempatan"),
    ("uji_kompetensi", "p3mi", "Uji kompetensi"),
    ("pencocokan_job_order", "p3mi", "Pencocokan job order"),
    ("tabungan_kur", "bank", "Tabungan / KUR"),
    ("perjanjian_kerja", "p3mi", "Perjanjian kerja"),
    ("proses_visa", "p3mi", "Proses visa"),
    ("opp", "bp2mi", "Orientasi pra pemberangkatan"),
    ("verifikasi_akhir", "disnaker", "Verifikasi akhir"),
    ("penerbitan_skpln", "dukcapil", "Penerbitan SKPLN"),
    ("serah_terima", "disnaker", "Serah terima"),
    ("pemberangkatan", "bp2mi", "Pemberangkatan"),
]
PARALLEL = range(3, 9)  # verifikasi_ektp .. pembayaran_bpjs run side by side
DESKS = sorted({desk for _, desk, _ in STAGES})
CASE_COLUMNS = [
    "id",
    "process_version_id",
    "process_key",
    "status",
    "rejection_reason",
    "revision",
    "head_hash",
    "state_digest",
    "applicant_name",
    "nik",
    "data",
    "created_at",
    "updated_at",
    "started_by",
]
TASK_COLUMNS = [
    "id",
    "case_id",
    "ref",
    "name",
    "title",
    "desk",
    "state",
    "assignee",
    "created_at",
    "due_at",
    "completed_at",
    "completed_by",
]
EVENT_COLUMNS = [
    "id",
    "case_id",
    "seq",
    "kind",
    "format_version",
    "recorded_at",
    "actor",
    "desk",
    "task_ref",
    "payload",
    "state_digest",
    "prev_hash",
    "hash",
]
ZERO = "0" * 64


def nik_of(case_id: int) -> str:
    """A unique 16-digit NIK per seeded case."""
    return f"32{case_id:014d}"


def _case_rows(
    first_id: int, count: int, version_id: int, rng: random.Random, ids: dict[str, Iterator[int]]
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]], tuple[Any, ...]]]:
    """Yield (case row, its task rows, its first journal event) for `count` cases.

    Mix: 60 % active (waiting at one desk, or at up to six in the parallel
    block), 30 % completed, 10 % rejected; started over the last two years.
    """
    for case_id in range(first_id, first_id + count):
        created = START - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        roll = rng.random()
        status = "active" if roll < 0.6 else "completed" if roll < 0.9 else "rejected"
        if status == "completed":
            done, ready = len(STAGES), []
        elif status == "rejected":
            done, ready = rng.randrange(1, 6), []
        else:
            stage = rng.randrange(len(STAGES))
            if stage in PARALLEL:
                ready = [s for s in PARALLEL if rng.random() < 0.6] or [stage]
                done = PARALLEL.start
            else:
                done, ready = stage, [stage]
        tasks = []
        # Completed tasks of the stages before; ready tasks waiting up to 60 days.
        for index in [*range(done), *ready]:
            name, desk, title = STAGES[index]
            is_ready = index in ready
            at = (
                START - timedelta(minutes=rng.randrange(60 * 24 * 60))
                if is_ready
                else created + timedelta(hours=index * 6)
            )
            tasks.append(
                (
                    next(ids["tasks"]),
                    case_id,
                    f"{LTSA_KEY}/{name}#1",
                    name,
                    title,
                    desk,
                    "ready" if is_ready else "completed",
                    None,
                    at,
                    None,
                    None if is_ready else at + timedelta(hours=2),
                    None if is_ready else f"petugas_{desk}",
                )
            )
        name = f"Seeded Applicant {case_id}"
        data = json.dumps({"full_name": name, "nik": nik_of(case_id)})
        case = (
            case_id,
            version_id,
            LTSA_KEY,
            status,
            "R8: seeded" if status == "rejected" else None,
            len(tasks) + 1,
            ZERO,
            ZERO,
            name,
            nik_of(case_id),
            data,
            created,
            created + timedelta(days=1),
            "seed",
        )
        event = (
            next(ids["journal_events"]),
            case_id,
            1,
            "case_started",
            1,
            created,
            "seed",
            None,
            None,
            json.dumps({"data": {}, "process": LTSA_KEY}),
            ZERO,
            ZERO,
            ZERO,
        )
        yield case, tasks, event


def _ltsa_version(eng: Engine) -> int:
    for version in eng.processes():
        if version.key == LTSA_KEY:
            return version.id
    raise RuntimeError("the LTSA process is not deployed")


def _progress(done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    width = 30
    filled = width * done // total
    sys.stderr.write(
        f"\r  seeding [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} cases "
        f"({rate:,.0f}/s)"
    )
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def seed(eng: Engine, total: int, batch: int = 20_000, seed_value: int = 9) -> dict[str, int]:
    """Insert `total` cases with their tasks and first event; return the row counts."""
    rng = random.Random(seed_value)
    version_id = _ltsa_version(eng)
    with eng.db.engine.connect() as connection:
        first = {
            table: int(connection.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))) + 1
            for table in ("cases", "tasks", "journal_events")
        }
    first_id = first["cases"]
    ids = {table: itertools.count(first[table]) for table in ("tasks", "journal_events")}
    write = _copy_writer(eng) if eng.db.engine.dialect.name == "postgresql" else _insert_writer(eng)
    counts = {"cases": 0, "tasks": 0, "journal_events": 0}
    started = time.perf_counter()
    for offset in range(0, total, batch):
        size = min(batch, total - offset)
        cases, tasks, events = [], [], []
        for case, case_tasks, event in _case_rows(first_id + offset, size, version_id, rng, ids):
            cases.append(case)
            tasks.extend(case_tasks)
            events.append(event)
        write(cases, tasks, events)
        counts["cases"] += len(cases)
        counts["tasks"] += len(tasks)
        counts["journal_events"] += len(events)
        _progress(counts["cases"], total, started)
    _finish(eng)
    counts["seconds"] = round(time.perf_counter() - started)
    return counts


Writer = Callable[[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]], None]


def _copy_writer(eng: Engine) -> Writer:
    def write(cases: list[Any], tasks: list[Any], events: list[Any]) -> None:
        raw = eng.db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for table, columns, rows in (
                ("cases", CASE_COLUMNS, cases),
                ("tasks", TASK_COLUMNS, tasks),
                ("journal_events", EVENT_COLUMNS, events),
            ):
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            raw.commit()
        finally:
            raw.close()

    return write


def _insert_writer(eng: Engine) -> Writer:
    metadata = MetaData()
    tables = {
        name: Table(name, metadata, autoload_with=eng.db.engine)
        for name in ("cases", "tasks", "journal_events")
    }

    def as_dicts(columns: list[str], rows: list[Any], json_column: str) -> list[dict[str, Any]]:
        dicts = [dict(zip(columns, row, strict=True)) for row in rows]
        for d in dicts:
            d[json_column] = json.loads(d[json_column])
        return dicts

    def write(cases: list[Any], tasks: list[Any], events: list[Any]) -> None:
        with eng.db.engine.begin() as connection:
            connection.execute(tables["cases"].insert(), as_dicts(CASE_COLUMNS, cases, "data"))
            connection.execute(
                tables["tasks"].insert(), [dict(zip(TASK_COLUMNS, t, strict=True)) for t in tasks]
            )
            connection.execute(
                tables["journal_events"].insert(), as_dicts(EVENT_COLUMNS, events, "payload")
            )

    return write


def _finish(eng: Engine) -> None:
    """Move PostgreSQL's id sequences past the seeded ids and refresh statistics."""
    with eng.db.engine.begin() as connection:
        if eng.db.engine.dialect.name == "postgresql":
            for table in ("cases", "tasks", "journal_events"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        connection.execute(text("ANALYZE"))


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "mean": statistics.fmean(ordered)}


def _time(call: Callable[[], Any], repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def measure_queries(eng: Engine, cases: int, repeat: int, seed_value: int = 11) -> dict[str, Any]:
    """p50/p95/p99 of the inbox, NIK search and dashboard counts."""
    rng = random.Random(seed_value)
    metadata = MetaData()
    tasks = Table("tasks", metadata, autoload_with=eng.db.engine)
    per_desk = (
        select(tasks.c.desk, func.count()).where(tasks.c.state == "ready").group_by(tasks.c.desk)
    )

    def inbox() -> None:
        page = rng.randrange(20)
        rows = eng.list_tasks(desk=rng.choice(DESKS), limit=50, offset=page * 50)
        assert rows or cases < 1000

    def search() -> None:
        found = eng.list_cases(search=nik_of(rng.randrange(1, cases + 1)))
        assert len(found) <= 1

    def desk_counts() -> None:
        with eng.db.engine.connect() as connection:
            connection.execute(per_desk).all()

    def active_per_version() -> None:
        eng.processes()

    for warm in (inbox, search, desk_counts, active_per_version):
        warm()
    return {
        "inbox": _time(inbox, repeat),
        "search_nik": _time(search, repeat),
        "dashboard_ready_per_desk_sql": _time(desk_counts, max(10, repeat // 10)),
        "dashboard_processes_api": _time(active_per_version, max(10, repeat // 10)),
    }
