"""Uploaded documents, stored once per content under the data directory.

The case data and the journal hold a reference (sha256, name, media type,
size); the bytes live in ``<data_dir>/documents/ab/abcdef...``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

__all__ = ["DocumentStore"]


class DocumentStore:
    """A content-addressed file store."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Where the document with this hash lives."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        """Store `content` (once) and return its sha256."""
        digest = hashlib.sha256(content).hexdigest()
        target = self.path_for(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # a name of its own: threads of one process may store the same content at once
            temporary = target.with_suffix(f".{os.getpid()}.{secrets.token_hex(8)}.tmp")
            temporary.write_bytes(content)
            os.replace(temporary, target)
        return digest

    def get(self, sha256: str) -> bytes:
        """The bytes of a stored document."""
        return self.path_for(sha256).read_bytes()

    def store_uploads(self, data: dict[str, Any]) -> dict[str, Any]:
        """Replace uploaded files in validated data with their references."""
        stored: dict[str, Any] = {}
        for key, value in data.items():
            content = getattr(value, "content", None)
            if isinstance(content, bytes):
                stored[key] = {
                    "sha256": self.put(content),
                    "name": value.name,
                    "media_type": value.media_type,
                    "size": len(content),
                }
            else:
                stored[key] = value
        return stored
