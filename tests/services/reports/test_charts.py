"""The process's chart browser: it draws SVG, and recovers when its thread is ended."""

from __future__ import annotations

import ctypes
import threading
import time

import plotly.graph_objects as go
import psutil

from services.reports.charts import to_svg


def _figure() -> go.Figure:
    return go.Figure(go.Scatter(y=[1, 3, 2]), layout={"width": 300, "height": 200})


def _wrappers() -> list[psutil.Process]:
    """The chart browsers this process runs (each a wrapper around Chromium)."""
    return [
        child
        for child in psutil.Process().children(recursive=True)
        if any("chromium_wrapper" in part for part in child.cmdline())
    ]


def test_a_browser_whose_thread_was_ended_is_replaced_at_once() -> None:
    """As Dash's test server stops: SystemExit raised in every thread it outlived."""
    assert to_svg({"before": _figure()})["before"].startswith(b"<svg")
    [loop_thread] = [t for t in threading.enumerate() if t.name == "report-charts"]
    [first] = _wrappers()
    assert loop_thread.ident is not None
    planted = ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(loop_thread.ident), ctypes.py_object(SystemExit)
    )
    assert planted == 1
    started = time.monotonic()
    drawn = to_svg({"after": _figure()})  # wakes the loop, which then ends
    assert drawn["after"].startswith(b"<svg")
    assert time.monotonic() - started < 30  # not the 60 s deadline
    assert not loop_thread.is_alive()
    assert not first.is_running() and first not in _wrappers()
    assert len(_wrappers()) == 1  # the fresh browser, and no other
