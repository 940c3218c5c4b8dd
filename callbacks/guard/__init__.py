"""One gate before every callback: a request that does not fit the callback gets a 400.

The browser's callback requests (``/_dash-update-component``) are checked against the
callback they name before Dash runs it, for every callback the server answers (the
pages' and Dash's own page router):

- the request has the shape Dash's renderer sends, names a registered callback, and
  lists exactly that callback's outputs, inputs and states (pattern-matching ids
  included); each changed property is one of its inputs;
- each value has the type the callback's parameter declares, or what ``VALUES`` says
  (each store holds the references its callbacks read; the router's path starts
  with ``/``); a choice among fixed options is one of them; ``None`` (the browser's
  "not set") only where the type allows it or the layout leaves the property unset;
- dependencies on the same pattern list the same components.

Background callbacks pass the same gate when they start; their polls (the browser
asking for progress and the result with the handle Dash signed) carry no values.

Anything else is answered ``400`` with ``{"error": {"code", "message"}}`` and logged
(without the values, which may hold passwords): never a 500. The app imports every
module of ``callbacks/``, which installs the gate on the app's server.
"""

from __future__ import annotations

import logging
from typing import Any

import dash
from flask import Flask, Response, jsonify, request
from pydantic import ValidationError as PydanticValidationError

from callbacks.guard.shape import (
    CallbackRequest,
    Refused,
    check_changed,
    check_outputs,
    check_patterns,
    first_error,
    match_all,
)
from callbacks.guard.values import check_value, layout_facts, parameters

log = logging.getLogger(__name__)


def install(app: dash.Dash) -> None:
    """Check every callback request of ``app`` before Dash runs it."""
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"
    server: Flask = app.server

    @server.before_request
    def _check_callback_request() -> Response | None:
        if request.endpoint != endpoint:
            return None
        try:
            check(
                app, request.get_json(silent=True), polling="cacheKey" in request.args
            )
        except Refused as problem:
            log.warning("refused a callback request: %s", problem)
            response = jsonify(
                error={
                    "code": "invalid_request",
                    "message": f"This request does not fit the page: {problem}",
                }
            )
            response.status_code = 400
            return response
        return None


def check(app: dash.Dash, body: Any, polling: bool = False) -> None:
    """Check a callback request against the app's registered callbacks.

    A background callback's poll (``polling``: it carries the ``cacheKey`` Dash
    handed out) sends every value as ``None``: Dash reads no value then, only the
    result its handle names, so the values are not checked, the shape is.

    Raises
    ------
    Refused
        When the request is malformed, names no callback, does not list that
        callback's dependencies, or holds a value of the wrong type.

    """
    try:
        wanted = CallbackRequest.model_validate(body)
    except PydanticValidationError as exc:
        raise Refused(f"not a callback request ({first_error(exc)})") from None
    spec = app.callback_map.get(wanted.output)
    if spec is None or "callback" not in spec:  # clientside ones run in the browser
        raise Refused("no such callback")
    if not spec.get("no_output"):
        check_outputs(wanted.output, wanted.outputs)
    declared = list(spec["inputs"]) + list(spec["state"])
    items = list(wanted.inputs) + list(wanted.state)
    match_all("inputs and states", declared, items)
    check_changed(wanted.changedPropIds, wanted.inputs)
    check_patterns(declared, items)
    if polling and spec.get("background"):
        return
    annotation, facts = parameters(spec), layout_facts(app)
    for position, (dependency, item) in enumerate(zip(declared, items, strict=True)):
        check_value(dependency, item, annotation(position), facts)


install(dash.get_app())
