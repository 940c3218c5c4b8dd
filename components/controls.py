"""Form controls under their labels, the same way on every page."""

from __future__ import annotations

import json
from typing import Any

import dash_bootstrap_components as dbc


def labeled_field(
    label: str,
    control: Any,
    width: int | None = 3,
    names: str | dict[str, Any] | None = None,
) -> dbc.Col:
    """``control`` under a small ``label`` that names it for screen readers.

    Parameters
    ----------
    width
        Columns of the page's grid from medium screens up; None: an equal share.
    names
        The id the label names when ``control`` is a group around its input (an
        input with its button); by default the control's own id. A switch has its
        own label, so the one above is its heading and names nothing.

    Examples
    --------
    >>> field = labeled_field("Change by %", dbc.Input(id="models-percent-input"))
    >>> field.children[0].html_for
    'models-percent-input'

    """
    target = names if names is not None else getattr(control, "id", None)
    if isinstance(control, dbc.Switch):
        target = None
    if isinstance(target, dict):  # a pattern-matching id, as Dash writes it
        target = json.dumps(target, sort_keys=True, separators=(",", ":"))
    return dbc.Col(
        [dbc.Label(label, html_for=target, className="small mb-0"), control],
        md=width,
    )
