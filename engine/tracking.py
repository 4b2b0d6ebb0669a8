"""Tracking codes: what an applicant or a complainant reads aloud to follow a case.

A code is derived from the case id by HMAC with the installation's tracking
key (``<data_dir>/tracking.key``), so a receipt can be printed again; the
database keeps only a keyed hash of the code, so whoever reads the database
cannot list valid codes. Twelve symbols from an alphabet without look-alikes
(no 0/O, 1/I/L): about 59 bits, grouped by four (``K7QM-4XRT-9HCE``).
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.clock import Clock
from engine.keyfiles import stored_key
from engine.store.db import Database
from engine.store.models import TrackingCodeRow

__all__ = ["ALPHABET", "CODE_LENGTH", "TrackingCodes", "normalize_code"]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
GROUP = 4


def normalize_code(text: str) -> str | None:
    """The code in canonical form (``XXXX-XXXX-XXXX``), or None when it cannot be one."""
    compact = "".join(text.split()).replace("-", "").upper()
    if len(compact) != CODE_LENGTH or any(c not in ALPHABET for c in compact):
        return None
    return "-".join(compact[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


class TrackingCodes:
    """Derives, registers and looks up tracking codes."""

    def __init__(self, db: Database, data_dir: Path, clock: Clock) -> None:
        self.db = db
        self.path = Path(data_dir) / "tracking.key"
        self.clock = clock
        self._key_bytes: bytes | None = None

    def _key(self) -> bytes:
        if self._key_bytes is None:
            self._key_bytes = bytes.fromhex(stored_key(self.path))
        return self._key_bytes

    def _derive(self, case_id: int) -> str:
        mac = hmac.new(self._key(), f"code:{case_id}".encode(), hashlib.sha256).digest()
        number = int.from_bytes(mac[:16], "big")
        symbols = []
        for _ in range(CODE_LENGTH):
            number, index = divmod(number, len(ALPHABET))
            symbols.append(ALPHABET[index])
        code = normalize_code("".join(symbols))
        assert code is not None
        return code

    def _digest(self, code: str) -> str:
        return hmac.new(self._key(), f"lookup:{code}".encode(), hashlib.sha256).hexdigest()

    def code_for(self, case_id: int) -> str:
        """The case's code; registered for look-ups the first time it is asked for."""
        code = self._derive(case_id)
        digest = self._digest(code)
        with self.db.session() as session:
            if session.get(TrackingCodeRow, digest) is not None:
                return code
        try:
            with self.db.session() as session, session.begin():
                session.add(
                    TrackingCodeRow(digest=digest, case_id=case_id, created_at=self.clock.now())
                )
        except IntegrityError:
            pass  # registered meanwhile by another process
        return code

    def case_for(self, code: str) -> int | None:
        """The case id of a registered code; None for a malformed or unknown one."""
        canonical = normalize_code(code)
        if canonical is None:
            return None
        with self.db.session() as session:
            found = session.scalar(
                select(TrackingCodeRow.case_id).where(
                    TrackingCodeRow.digest == self._digest(canonical)
                )
            )
        return None if found is None else int(found)
