"""Plotly figures as SVG: one Kaleido browser per process, started once, never stuck.

Kaleido drives a headless Chromium. Starting it costs seconds, so one browser (with
two tabs, drawing two charts at once) lives in a background event loop for the whole
process. Every drawing has a deadline: a browser that fails or hangs is closed and a
fresh one starts at the next report, so a stuck browser never holds a request.

Something outside may end the loop's thread: Dash's test server stops by raising
``SystemExit`` in every thread started while it ran, which ends the loop (and the
browser's own threads) the next time it wakes. The drawer notices within a fraction of
a second, ends that browser's processes itself, and draws with a fresh one.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import inspect
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

import plotly.graph_objects as go
from kaleido import Kaleido

from services.figures import TOOLBAR

log = logging.getLogger(__name__)

TABS = 2  # charts drawn at once
DEADLINE_S = 60.0  # for all the charts of one report
PAPER_TOP = 8  # pixels above a drawn chart's title
CHECK_S = 0.2  # how often a wait checks that the loop's thread still runs

T = TypeVar("T")


class _LoopEnded(Exception):
    """The loop's thread has ended: nothing scheduled on it will ever finish."""


def _quietly(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Note the browser's leftover task errors (after a deadline) in one line.

    asyncio's default handler formats a traceback in this thread, and Python 3.11's
    traceback formatting parses source with ``ast``, which is not safe to run in two
    threads at once ("AST constructor recursion depth mismatch").
    """
    log.debug(
        "Chart browser: %s (%r)", context.get("message"), context.get("exception")
    )


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    """Run the loop until it is stopped, or until its thread is ended from outside."""
    with contextlib.suppress(SystemExit):  # ended quietly, as Python ends threads
        loop.run_forever()


def _discard(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Close a coroutine an ended loop never started (no "never awaited" warning)."""
    if inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
        coroutine.close()


class _Drawer:
    """The process's chart browser and the event loop it runs in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one report's batch at a time
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            loop.set_exception_handler(_quietly)
            self._thread = threading.Thread(
                target=_serve, args=(loop,), name="report-charts", daemon=True
            )
            self._thread.start()
            self._loop = loop
        return self._loop

    def _result(self, future: concurrent.futures.Future[T], timeout: float) -> T:
        """The future's result within ``timeout`` seconds.

        Raises ``_LoopEnded`` as soon as the loop's thread is gone, ``TimeoutError``
        at the deadline.
        """
        deadline = time.monotonic() + timeout
        while not future.done():
            if self._thread is None or not self._thread.is_alive():
                raise _LoopEnded
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            concurrent.futures.wait([future], timeout=min(CHECK_S, left))
        return future.result()

    def _abandon(self, timeout: float) -> None:
        """Forget a loop whose thread has ended; end its browser's processes directly.

        Kaleido's browser runs in a process group of its own (a small wrapper and
        Chromium); SIGTERM lets the wrapper close Chromium before it exits.
        """
        browser, self._kaleido, loop = self._kaleido, None, self._loop
        self._loop = self._thread = None
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # its selector and wake-up pipe
                loop.close()
        process: subprocess.Popen[bytes] | None = getattr(browser, "subprocess", None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    async def _draw(self, figures: Mapping[str, Any]) -> dict[str, bytes]:
        if self._kaleido is None:
            browser = Kaleido(n=TABS, timeout=DEADLINE_S)
            await browser.open()
            self._kaleido = browser
        drawings = await asyncio.gather(
            *(
                self._kaleido.calc_fig(
                    on_paper(fig),
                    opts={
                        "format": "svg",
                        "width": fig.layout.width,
                        "height": fig.layout.height,
                    },
                )
                for fig in figures.values()
            )
        )
        return dict(zip(figures, drawings, strict=True))

    async def _close(self) -> None:
        browser, self._kaleido = self._kaleido, None  # the next call starts afresh
        if browser is not None:
            await browser.close()

    def draw(self, figures: Mapping[str, Any], deadline: float) -> dict[str, bytes]:
        with self._lock:
            ends = time.monotonic() + deadline
            try:
                return self._attempt(figures, ends)
            except _LoopEnded:
                log.info("The chart browser's thread was ended; starting a fresh one")
                self._abandon(timeout=10)
            try:
                return self._attempt(figures, ends)
            except _LoopEnded:
                self._abandon(timeout=10)
                raise TimeoutError("The chart browser's thread ended again") from None

    def _attempt(self, figures: Mapping[str, Any], ends: float) -> dict[str, bytes]:
        """One drawing on the loop (started if need be), due by ``ends``."""
        loop = self._running_loop()
        drawing = self._draw(figures)
        future = asyncio.run_coroutine_threadsafe(drawing, loop)
        try:
            return self._result(future, ends - time.monotonic())
        except _LoopEnded:
            _discard(drawing)
            raise
        except BaseException:
            future.cancel()
            self.close(timeout=10)
            raise

    def close(self, timeout: float = 10) -> None:
        if self._loop is None:
            return
        closing = self._close()
        future = asyncio.run_coroutine_threadsafe(closing, self._loop)
        try:
            self._result(future, timeout)
        except _LoopEnded:  # nothing can close it politely any more
            _discard(closing)
            self._abandon(timeout)
        except Exception as exc:  # a browser that will not close is left to the OS
            log.warning("The chart browser did not close cleanly (%r)", exc)


def on_paper(fig: Any) -> Any:
    """A copy of ``fig`` for paper: no toolbar, so no strip kept free for it on top."""
    drawn = go.Figure(fig)
    top = drawn.layout.margin.t
    if top is not None and drawn.layout.title.pad.t == TOOLBAR:
        drawn.update_layout(margin_t=top - TOOLBAR + PAPER_TOP, title_pad_t=PAPER_TOP)
    return drawn


_drawer = _Drawer()
# At exit the browser may be gone already (killed with its process group): wait less.
atexit.register(_drawer.close, timeout=3)


def to_svg(
    figures: Mapping[str, Any], deadline: float = DEADLINE_S
) -> dict[str, bytes]:
    """Each plotly figure (sized by its layout) as SVG, by name.

    Raises
    ------
    TimeoutError
        When the charts are not drawn within ``deadline`` seconds (the browser is
        then replaced for the next call).

    """
    if not figures:
        return {}
    return _drawer.draw(figures, deadline)
