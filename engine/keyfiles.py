"""Random keys of the installation, each kept in a file of its data directory (mode 600).

A new key is written to a private temporary file and linked into place, so
processes starting together all read the one complete key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["stored_key"]


def stored_key(path: Path) -> str:
    """The key (64 hex digits) kept in `path`, created on first use."""
    if not path.exists():
        _create_key(path)
    return path.read_text(encoding="ascii").strip()


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process won: its key is the one
    finally:
        temporary.unlink()
