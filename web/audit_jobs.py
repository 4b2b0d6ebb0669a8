"""Background threads that run verification jobs inside the web process.

A job is worked on by a thread of whichever web process started it. If that
process dies (``kill -9``, a restart), the job's lease runs out and the next
request that looks at the job (its page polls every second) starts a thread
here that resumes it from the first case without a result.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid

from engine import Engine

__all__ = ["ensure_worker", "worker_name"]

log = logging.getLogger(__name__)
_PROCESS = f"web-{os.getpid()}-{uuid.uuid4().hex[:8]}"
_running: set[int] = set()
_lock = threading.Lock()


def worker_name() -> str:
    """This process's name in job leases."""
    return _PROCESS


def ensure_worker(eng: Engine, job_id: int) -> bool:
    """Start a thread on the job unless one of this process runs it or another holds it."""
    with _lock:
        if job_id in _running or not eng.jobs.needs_worker(job_id):
            return False
        _running.add(job_id)
    threading.Thread(
        target=_run, args=(eng, job_id), name=f"verify-job-{job_id}", daemon=True
    ).start()
    return True


def _run(eng: Engine, job_id: int) -> None:
    try:
        eng.jobs.run(job_id, _PROCESS)
    except Exception:  # a thread's error must not vanish; the job resumes on the next look
        log.exception("verification job %s stopped", job_id)
    finally:
        with _lock:
            _running.discard(job_id)
