"""Job handlers used by the runner tests (imported by the worker processes)."""

from __future__ import annotations

import time

from services.errors import InvalidInputError
from services.job_kinds import JobContext


def slow(context: JobContext) -> None:
    """Report progress for up to a minute: long enough to kill or cancel."""
    for step in range(1200):
        context.progress(step / 1200, f"Step {step}")
        time.sleep(0.05)


def broken(context: JobContext) -> None:
    """Fail the way a bug does."""
    raise RuntimeError("an unexpected bug")


def refuses(context: JobContext) -> None:
    """Fail the way bad input does."""
    raise InvalidInputError("This input cannot be used, because of X.")


def quick(context: JobContext) -> str:
    """Succeed with a result reference."""
    context.progress(0.5, "Half way")
    return "0" * 32
