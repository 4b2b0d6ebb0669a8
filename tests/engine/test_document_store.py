"""The document store under concurrent uploads of the same content in one process."""

from __future__ import annotations

import threading
from pathlib import Path

from engine import Engine


def test_threads_storing_the_same_document_at_once_all_succeed(tmp_path: Path) -> None:
    eng = Engine(database_url=f"sqlite:///{tmp_path / 'ltsa.db'}", data_dir=tmp_path)
    store = eng.documents
    threads, rounds = 8, 40
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []
    digests: list[set[str]] = [set() for _ in range(rounds)]

    def upload() -> None:
        for n in range(rounds):
            content = f"%PDF-1.4 the same letter, round {n}".encode()
            barrier.wait()
            try:
                digests[n].add(store.put(content))
            except OSError as exc:
                failures.append(exc)

    workers = [threading.Thread(target=upload) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert all(len(d) == 1 for d in digests)
    for n, (digest,) in enumerate(digests):
        assert store.get(digest) == f"%PDF-1.4 the same letter, round {n}".encode()
    assert not list(tmp_path.rglob("*.tmp"))
    eng.close()
