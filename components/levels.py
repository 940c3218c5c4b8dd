"""The Models page's "Accuracy per level" table (a forecast with a hierarchy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components import ids
from services.numbers import DEFAULT_STYLE, NumberStyle
from services.reports.levels import level_rows


def levels_table(
    levels: Sequence[dict[str, Any]] | None, style: NumberStyle = DEFAULT_STYLE
) -> html.Div | None:
    """How the chosen models did at each level, top first; ``None`` without levels.

    ``levels`` is the forecast's ``metrics["levels"]``; the rows are the PDF's
    (:func:`services.reports.levels.level_rows`).
    """
    rows = level_rows(levels, style)
    if not rows:
        return None
    head = html.Thead(
        html.Tr(
            [html.Th(h) for h in ("Level", "Series", "MASE", "sMAPE", "Model chosen")]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(r.level),
                    html.Td(r.series),
                    html.Td(r.mase),
                    html.Td(r.smape),
                    html.Td(r.model),
                ]
            )
            for r in rows
        ]
    )
    return html.Div(
        [
            html.H2("Accuracy per level", className="h6 mt-3"),
            dbc.Table(
                [head, body], size="sm", responsive=True, id=ids.MODELS_LEVELS_TABLE
            ),
            html.P(
                "The backtest scores of the models chosen at each level, averaged over "
                "the level's series (before the totals were made to add up).",
                className="small text-secondary",
            ),
        ]
    )
