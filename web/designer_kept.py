"""A refused upload's draft kept on the server, so the designer need not choose the files again.

When scenarios fail on the upload form, the draft (the process files as tested
and the uploaded scenario files) is written to ``<data_dir>/drafts/`` under the
SHA-256 of a random token; only the token goes to the page. The file records
its owner and the engine clock's time: another user, or the same one after a
day, gets 404 as for a token that never existed. Drafts past their day are
removed whenever a draft is kept; a draft is removed once it is deployed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from engine import SourceFile
from web.app_engine import engine_of

__all__ = ["KEEP_FOR", "KeptDraft", "forget_draft", "keep_draft", "kept_draft"]

KEEP_FOR = timedelta(days=1)
MAX_DRAFT_BYTES = 20_000_000  # a draft larger than this is not kept
MAX_PER_OWNER = 10  # the oldest of an owner's drafts makes room for a new one
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


@dataclass(frozen=True)
class KeptDraft:
    """A kept draft: its owner, when it was kept, its process and scenario files."""

    owner: str
    kept_at: datetime
    files: list[SourceFile]
    scenarios: list[SourceFile]


def _dir() -> Path:
    return Path(engine_of().data_dir) / "drafts"


def _path(token: str) -> Path:
    return _dir() / f"{hashlib.sha256(token.encode()).hexdigest()}.json"


def _encode(files: Sequence[SourceFile]) -> list[dict[str, str]]:
    return [{"name": f.name, "content": base64.b64encode(f.content).decode()} for f in files]


def _decode(rows: list[dict[str, str]]) -> list[SourceFile]:
    return [SourceFile(r["name"], base64.b64decode(r["content"])) for r in rows]


def _read(path: Path) -> KeptDraft | None:
    try:
        body = json.loads(path.read_text())
        return KeptDraft(
            body["owner"],
            datetime.fromisoformat(body["kept_at"]),
            _decode(body["files"]),
            _decode(body["scenarios"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _clean(now: datetime, owner: str) -> None:
    """Remove expired or unreadable drafts, and the owner's oldest beyond the cap."""
    mine: list[tuple[datetime, Path]] = []
    for path in _dir().glob("*.json"):
        draft = _read(path)
        if draft is None or now - draft.kept_at >= KEEP_FOR:
            path.unlink(missing_ok=True)
        elif draft.owner == owner:
            mine.append((draft.kept_at, path))
    for _, path in sorted(mine)[: max(0, len(mine) - MAX_PER_OWNER + 1)]:
        path.unlink(missing_ok=True)


def keep_draft(
    owner: str, files: Sequence[SourceFile], scenarios: Sequence[SourceFile]
) -> str | None:
    """Keep a draft for `owner`; the token that names it (None when it is too large)."""
    if sum(len(f.content) for f in [*files, *scenarios]) > MAX_DRAFT_BYTES:
        return None
    now = engine_of().clock.now()
    _dir().mkdir(parents=True, exist_ok=True)
    _clean(now, owner)
    token = secrets.token_urlsafe(32)
    body = {
        "owner": owner,
        "kept_at": now.isoformat(),
        "files": _encode(files),
        "scenarios": _encode(scenarios),
    }
    path = _path(token)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(body))
    temporary.replace(path)
    return token


def kept_draft(token: str, owner: str) -> KeptDraft | None:
    """The draft `token` names if `owner` kept it less than a day ago, else None."""
    if not _TOKEN.match(token):
        return None
    draft = _read(_path(token))
    if draft is None or draft.owner != owner:
        return None
    if engine_of().clock.now() - draft.kept_at >= KEEP_FOR:
        _path(token).unlink(missing_ok=True)
        return None
    return draft


def forget_draft(token: str) -> None:
    """Remove a kept draft (once it is deployed)."""
    if _TOKEN.match(token):
        _path(token).unlink(missing_ok=True)
