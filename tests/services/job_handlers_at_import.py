"""A job handler whose module notes, while it is imported, whether the job's worker
has already recorded itself and started its heartbeat (imported by a worker)."""

from __future__ import annotations

import os
import threading

from services import db
from services.job_kinds import JobContext
from services.runner import JOB_ID_VARIABLE

with db.session() as _s:
    _RECORDED = _s.get_one(db.Job, os.environ[JOB_ID_VARIABLE]).worker_pid
_BEATING = any(t.name == "job-heartbeat" for t in threading.enumerate())
_SEEN = f"{_RECORDED == os.getpid():d}{_BEATING:d}"


def seen_at_import(context: JobContext) -> str:
    """What the import saw: worker recorded, heartbeat running ("11" when both)."""
    return _SEEN.ljust(32, "-")
