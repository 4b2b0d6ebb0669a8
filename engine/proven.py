"""The states a migration preview proved, kept so the migration need not replay again.

A preview replays a case's journal on the target version; when every recorded
digest is reproduced, the state reached is exactly the state the migration
moves the case to. The migration runs under the case's lock, later: if the
journal is still the one the preview replayed (same revision and the same
head of the hash chain, which covers every event), replaying it again on the
same immutable version would rebuild the same state, so the kept one is used
instead. Anything else (an input arrived, another target, no entry) replays.

States are kept compressed (about 3 KB an LTSA case), within a fixed byte
budget: when full, new states are not kept (the migration replays those), so
memory stays bounded however many cases a preview streams. An entry is taken
out when used or when the verdicts are forgotten.
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass

from engine.definitions import ProcessBundle
from engine.state import CaseState

__all__ = ["ProvenStates"]

BUDGET_BYTES = 32 * 2**20


@dataclass(frozen=True)
class _Entry:
    revision: int
    head_hash: str
    digest: str
    state: bytes  # CaseState.to_json, compressed


class ProvenStates:
    """Proven target states by (case id, target version id), bounded in bytes."""

    def __init__(self, budget_bytes: int = BUDGET_BYTES) -> None:
        self.budget = budget_bytes
        self.used = 0
        self._entries: dict[tuple[int, int], _Entry] = {}
        self._lock = threading.Lock()

    def keep(self, key: tuple[int, int], revision: int, head_hash: str, state: CaseState) -> bool:
        """Keep the state a preview proved for the journal up to `revision`, `head_hash`."""
        packed = zlib.compress(state.to_json().encode(), 1)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= len(old.state)
            if self.used + len(packed) > self.budget:
                return False
            self._entries[key] = _Entry(revision, head_hash, state.digest(), packed)
            self.used += len(packed)
        return True

    def take(
        self, key: tuple[int, int], head: tuple[int, str, str], target: ProcessBundle
    ) -> CaseState | None:
        """The kept state if `head` (revision, hash, digest) is the one proven; else None.

        The entry is taken out either way: a kept state is never used twice.
        """
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is not None:
                self.used -= len(entry.state)
        if entry is None or (entry.revision, entry.head_hash, entry.digest) != head:
            return None
        state = CaseState.from_json(zlib.decompress(entry.state).decode(), target)
        return state if state.digest() == entry.digest else None

    def clear(self) -> None:
        """Forget every kept state."""
        with self._lock:
            self._entries.clear()
            self.used = 0

    def __len__(self) -> int:
        return len(self._entries)
