"""JSON log lines, in the web process and in a job's own process."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import socket
import sys
from typing import Any

from services import jobs, runner
from services.telemetry import logs
from tests.services.telemetry import handlers


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_line_is_one_json_object_with_its_context() -> None:
    formatter = logs.JsonFormatter(context=lambda: {"user_id": 7})
    try:
        raise ValueError("boom")
    except ValueError:
        failure = sys.exc_info()
    record = logging.makeLogRecord(
        {
            "name": "tests.here",
            "levelno": logging.ERROR,
            "levelname": "ERROR",
            "msg": "failed %s",
            "args": ("twice",),
            "exc_info": failure,
            "route": "/x",
        }
    )
    token = logs.REQUEST_ID.set("req-1")
    try:
        line = json.loads(formatter.format(record))
    finally:
        logs.REQUEST_ID.reset(token)
    assert {k: line[k] for k in ("level", "logger", "message", "request_id")} == {
        "level": "ERROR",
        "logger": "tests.here",
        "message": "failed twice",
        "request_id": "req-1",
    }
    assert (line["user_id"], line["route"]) == (7, "/x")
    assert "ValueError: boom" in line["exception"]
    assert line["time"].endswith("+00:00")


def test_job_lines_name_the_job_and_the_request_that_made_it(
    database: None, make_account: Any, capfd: Any
) -> None:
    owner = make_account().id
    token = logs.REQUEST_ID.set("req-from-the-page")
    try:
        job = jobs.submit(owner, "chatty", {})
    finally:
        logs.REQUEST_ID.reset(token)
    # A spawned worker starts now, so its stderr is the one this test captures.
    claimed = jobs.claim_next(socket.gethostname(), ["chatty"], os.getpid())
    assert claimed is not None and claimed.id == job.id
    worker = multiprocessing.get_context("spawn").Process(
        target=runner.execute, args=(job.id, {"chatty": handlers.load_chatty})
    )
    worker.start()
    worker.join(120)
    assert jobs.get_job(owner, job.id).status == "succeeded"
    lines = [
        line
        for line in _json_lines(capfd.readouterr().err)
        if line["logger"] == "services.chatty"
    ]
    assert [(x["message"], x["job_id"], x["request_id"]) for x in lines] == [
        ("working on it", job.id, "req-from-the-page")
    ]


def test_the_apps_loggers_keep_info_and_libraries_only_warnings(capfd: Any) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        logs.configure("INFO")
        logging.getLogger("services.example").info("kept")
        logging.getLogger("weasyprint.progress").info("dropped")
        logging.getLogger("weasyprint").warning("kept too")
        lines = _json_lines(capfd.readouterr().err)
    finally:
        root.handlers[:], root.level = handlers, level
    assert [line["message"] for line in lines] == ["kept", "kept too"]
