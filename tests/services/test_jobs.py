"""Job records: claiming queued jobs when several workers ask at once."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import Any

from services import jobs

CLAIMERS = 6
JOBS = 40


def test_claimers_asking_at_once_never_take_one_job_twice(
    database: None, make_account: Any
) -> None:
    owner = make_account().id
    kind = f"claim-{uuid.uuid4().hex[:8]}"  # no runner of the test session takes it
    submitted = {jobs.submit(owner, kind, {"n": n}).id for n in range(JOBS)}
    barrier = threading.Barrier(CLAIMERS)
    claimed: list[str] = []
    failures: list[BaseException] = []

    def claim_until_none(number: int) -> None:
        try:
            barrier.wait()
            while (
                job := jobs.claim_next(f"host-{number}", [kind], number)
            ) is not None:
                claimed.append(job.id)
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [
        threading.Thread(target=claim_until_none, args=(n,)) for n in range(CLAIMERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [job for job, times in Counter(claimed).items() if times > 1] == []
    assert set(claimed) == submitted
    assert {j.status for j in jobs.list_jobs(owner, limit=JOBS)} == {"running"}
