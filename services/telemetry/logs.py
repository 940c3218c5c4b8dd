"""Structured logs: one JSON object per line, naming the request and job behind it."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The request being answered in this thread (empty outside requests).
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
# What the client may choose as its request id; anything else gets a fresh one.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# The app's own loggers log at LOG_LEVEL; the libraries' only warnings and worse (their
# INFO lines, WeasyPrint's and Alembic's among them, are chatter to an operator).
APP_LOGGERS = (
    "app",
    "api",
    "auth",
    "callbacks",
    "components",
    "pages",
    "services",
    "worker",
    "forecast_studio",
)
# Fields of a record that every line carries when they are known.
CONTEXT_FIELDS = ("request_id", "user_id", "job_id")
# Attributes every LogRecord has: whatever else ``extra=`` adds is a field of the line.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def request_id_from(header: str | None) -> str:
    """The client's ``X-Request-ID`` when it is sane, else a new random id.

    Examples
    --------
    >>> request_id_from("abc-123")
    'abc-123'
    >>> len(request_id_from("no spaces allowed"))
    32

    """
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request this thread is answering, if any."""
    return REQUEST_ID.get()


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message and context.

    Parameters
    ----------
    defaults
        Fields every line carries (a job's id and the id of the request that created
        it, in a job's process).
    context
        Called for each line: more fields known where the line is logged (the web
        layer names the signed-in user).

    """

    def __init__(
        self,
        defaults: dict[str, Any] | None = None,
        context: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        super().__init__()
        self.defaults = {k: v for k, v in (defaults or {}).items() if v}
        self.context = context

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            line["request_id"] = request_id
        line.update(self.defaults)
        if self.context is not None:
            line.update(self.context())
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure(
    level: str = "INFO",
    job_id: str | None = None,
    request_id: str | None = None,
    context: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """Send every log record to stderr as a JSON line (replacing other handlers).

    Parameters
    ----------
    level
        The least severe level the app's loggers (``APP_LOGGERS``) log (``DEBUG``,
        ``INFO``, ``WARNING``…); other libraries log ``WARNING`` and worse.
    job_id, request_id
        In a job's process: the job and the request that created it, on every line.
    context
        Called for each line for more fields (see ``JsonFormatter``).

    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter({"job_id": job_id, "request_id": request_id}, context)
    )
    app_level = logging.getLevelName(level.upper())
    if not isinstance(app_level, int):
        app_level = logging.INFO
    logging.basicConfig(
        level=max(app_level, logging.WARNING), handlers=[handler], force=True
    )
    for name in APP_LOGGERS:
        logging.getLogger(name).setLevel(app_level)
