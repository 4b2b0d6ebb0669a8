"""Keys of the installation, each kept in a file of its data directory (mode 600).

A new key is written to a private temporary file and linked into place, so
processes starting together all read the one complete key.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

__all__ = ["stored_bytes", "stored_key"]


def stored_key(path: Path) -> str:
    """The random key (64 hex digits) kept in `path`, created on first use."""
    return stored_bytes(path, lambda: secrets.token_hex(32).encode("ascii")).decode("ascii").strip()


def stored_bytes(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes kept in `path`; on first use, `make()`'s, unless another process won."""
    if not path.exists():
        _create(path, make())
    return path.read_bytes()


def _create(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process won: its key is the one
    finally:
        temporary.unlink()
