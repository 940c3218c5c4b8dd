"""A job handler for the telemetry tests (imported by the worker process)."""

from __future__ import annotations

import logging

from services.job_kinds import Handler, JobContext


def chatty(context: JobContext) -> None:
    """Log a line, as a forecast's stages do."""
    # Named as the app's own loggers are, whose INFO lines are kept.
    logging.getLogger("services.chatty").info("working on %s", "it")


def load_chatty() -> Handler:
    """The loader the runner calls in the worker."""
    return chatty
