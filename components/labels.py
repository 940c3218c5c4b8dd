"""Technical names shown as labels, the technical name a hover away."""

from __future__ import annotations

from typing import Any

from dash import html

from services import features
from services.calendars import Frequency


def column_options(
    names: list[str], frequency: Frequency | None
) -> list[dict[str, Any]]:
    """Dropdown options for the user's columns, under their labels.

    A name a person reads as it is stays a plain option; a technical one
    ("sales_outlier", "price_lag_1") shows its label, its name on hover, and is
    found by either when typed.
    """
    options: list[dict[str, Any]] = []
    for name in names:
        text = features.label(name, frequency, user_column=True)
        if text == name:
            options.append({"label": name, "value": name})
        else:
            options.append(
                {
                    "label": html.Span(text, title=name),
                    "value": name,
                    "search": f"{text} {name}",
                }
            )
    return options
