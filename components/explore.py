"""Explore's plain verdict and its analyst-only pieces (features under their labels)."""

from __future__ import annotations

import polars as pl
from dash import html

from components import ids
from services import analysis, features
from services.calendars import Frequency


def verdict(result: analysis.Analysis) -> html.Div:
    """What the series looks like and what that means for forecasting, in words.

    The headline (trend and repeating pattern) comes first, then whether the level
    is steady and what the models should do about it; the notes say what was
    filled in or left out.
    """
    return html.Div(
        [
            html.Div(result.summary, className="headline", id="explore-headline"),
            html.P(
                result.explanation
                or "Too short to say whether the level is steady; compare models "
                "on the Models page.",
                id=ids.EXPLORE_MEANING,
                className="mb-0 mt-1",
            ),
            html.Ul(
                [html.Li(n) for n in result.notes],
                className="small text-secondary mb-0 mt-2",
            )
            if result.notes
            else None,
        ]
    )


def details_summary() -> html.Summary:
    """The disclosure's button, which the keyboard reaches like any other."""
    return html.Summary(
        "Details for analysts: tests, autocorrelation, feature values",
        className="fw-semibold",
    )


def feature_header(
    columns: list[str], frequency: Frequency | None, target: str
) -> html.Thead:
    """The feature table's header: labels, the technical name on hover."""
    return html.Thead(
        html.Tr(
            [
                html.Th(features.label(name, frequency, target), title=name)
                for name in columns
            ]
        )
    )


def feature_labels(
    table: pl.DataFrame, frequency: Frequency | None, target: str
) -> dict[str, str]:
    """Each feature column's label, for the correlation chart."""
    return {name: features.label(name, frequency, target) for name in table.columns}
