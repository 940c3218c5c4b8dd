"""What every background callback shares: who asked, and an answer when it failed.

A background callback (``background=True``) runs outside the request that started it
(a process started by Dash's ``DiskcacheManager``, or a Celery worker), so Flask's
``current_user`` is not there. The request side puts the signed-in user's id into the
callback's context (``dash.hooks.custom_data``); ``user_id()`` reads it back. It never
comes from the browser. The session cookie and the request's headers are left out of
that context: it travels to the worker (through Redis with Celery).
"""

from __future__ import annotations

import logging
from typing import Any

import dash_bootstrap_components as dbc
from dash import Output, ctx, hooks
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components.background import HIDDEN

log = logging.getLogger(__name__)

NAMESPACE = "forecast_studio"


@hooks.custom_data(NAMESPACE)
def _who_asked(context: Any) -> dict[str, int | None]:
    """Run in the request before every callback: the signed-in user's id."""
    context.cookies = {}
    context.headers = {}
    signed_in = current_user.is_authenticated
    return {"user_id": int(current_user.id) if signed_in else None}


def user_id() -> int:
    """The id of the user whose request started this callback.

    Raises
    ------
    PreventUpdate
        When nobody is signed in (the sign-in guard refuses such requests first).

    """
    who = ctx.custom_data.get(NAMESPACE) or {}
    if who.get("user_id") is None:
        raise PreventUpdate
    return int(who["user_id"])


def failed(what: str, exc: Exception) -> dbc.Alert:
    """An alert for a failure the user cannot fix; the details go to the log only."""
    log.exception("background callback failed: %s", what, exc_info=exc)
    return dbc.Alert(
        f"{what} failed because of a problem on our side. Try again; if it keeps "
        "failing, tell the administrator.",
        color="danger",
    )


def running(*buttons: str, row: str) -> list[tuple[Output, Any, Any]]:
    """While the callback runs: its buttons disabled, its progress row shown."""
    return [
        *[(Output(button, "disabled"), True, False) for button in buttons],
        (Output(row, "style"), {}, HIDDEN),
    ]


def progress(bar: str, step: str) -> list[Output]:
    """What ``step`` (through Dash's ``set_progress``) fills: the bar and the step."""
    return [Output(bar, "value"), Output(bar, "label"), Output(step, "children")]


def step(fraction: float, message: str) -> tuple[int, str, str]:
    """The progress outputs for a share of the work done and what is being done."""
    return round(fraction * 100), f"{fraction:.0%}", message
