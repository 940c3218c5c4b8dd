"""Plain-language explanations of the technical words on the Explore page."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

GLOSSARY = {
    "trend": "The long-run direction of the series: up, down or flat, once the "
    "repeating pattern and the noise are set aside.",
    "seasonality": "A pattern that repeats at a fixed rhythm: every week, every year, "
    "every day.",
    "decomposition": "Splitting the series into trend + repeating pattern + the rest, "
    "so each can be seen on its own.",
    "remainder": "What is left after removing trend and pattern: the noise and the "
    "surprises.",
    "strength": "From 0 (none) to 1 (very clear): how much of the movement the trend "
    "or the pattern explains compared with the noise.",
    "stationary": "A series that keeps the same level and spread over time. Many "
    "models assume it; others handle trends themselves.",
    "adf": "Augmented Dickey-Fuller test: asks 'does the series wander like a random "
    "walk?'. A small p-value (below 0.05) says it does not.",
    "kpss": "KPSS test: asks 'is the series steady around a level?'. A small p-value "
    "(below 0.05) says it is not.",
    "pvalue": "How surprising the data would be if the test's assumption held; below "
    "0.05 is usually taken as 'the assumption does not hold'.",
    "acf": "Autocorrelation: how much the series resembles itself a given number of "
    "steps earlier. Peaks at 7 or 12 reveal weekly or yearly patterns.",
    "pacf": "Partial autocorrelation: the same, but counting only what the nearer "
    "steps do not already explain.",
    "lag": "A value from some steps earlier, used as a clue for the next one.",
    "transform": "Changing the numbers before modelling (a log, or the change from the "
    "previous period); forecasts are turned back into your units.",
}


def term(word: str, key: str, id_prefix: str = "explore-term") -> html.Span:
    """A word with a dotted underline that explains itself on hover."""
    id_ = f"{id_prefix}-{key}"
    return html.Span(
        [
            html.Span(word, id=id_, className="glossary-term"),
            dbc.Tooltip(GLOSSARY[key], target=id_, placement="top"),
        ]
    )
