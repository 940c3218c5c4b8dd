"""Plotly figures as SVG: one Kaleido browser per process, started once, never stuck.

Kaleido drives a headless Chromium. Starting it costs seconds, so one browser (with
two tabs, drawing two charts at once) lives in a background event loop for the whole
process. Every drawing has a deadline: a browser that fails or hangs is closed and a
fresh one starts at the next report, so a stuck browser never holds a request.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import threading
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
from kaleido import Kaleido

from services.figures import TOOLBAR

log = logging.getLogger(__name__)

TABS = 2  # charts drawn at once
DEADLINE_S = 60.0  # for all the charts of one report
PAPER_TOP = 8  # pixels above a drawn chart's title


def _quietly(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Note the browser's leftover task errors (after a deadline) in one line.

    asyncio's default handler formats a traceback in this thread, and Python 3.11's
    traceback formatting parses source with ``ast``, which is not safe to run in two
    threads at once ("AST constructor recursion depth mismatch").
    """
    log.debug(
        "Chart browser: %s (%r)", context.get("message"), context.get("exception")
    )


class _Drawer:
    """The process's chart browser and the event loop it runs in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one report's batch at a time
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            loop.set_exception_handler(_quietly)
            threading.Thread(
                target=loop.run_forever, name="report-charts", daemon=True
            ).start()
            self._loop = loop
        return self._loop

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
            loop = self._running_loop()
            future = asyncio.run_coroutine_threadsafe(self._draw(figures), loop)
            try:
                return future.result(deadline)
            except BaseException:
                future.cancel()
                self.close(timeout=10)
                raise

    def close(self, timeout: float = 10) -> None:
        if self._loop is None:
            return
        closing = asyncio.run_coroutine_threadsafe(self._close(), self._loop)
        try:
            closing.result(timeout)
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
