"""Column options under their labels, the technical name a hover away."""

from __future__ import annotations

from dash import html

from components.explore import feature_header
from components.labels import column_options
from services.calendars import Frequency

MONTHLY = Frequency(unit="month", step=1)


def test_plain_columns_stay_plain_and_technical_ones_get_a_label() -> None:
    plain, flag, month = column_options(["price", "sales_outlier", "month"], MONTHLY)
    assert plain == {"label": "price", "value": "price"}
    assert month == {"label": "month", "value": "month"}  # the user's own column
    assert flag["value"] == "sales_outlier"
    assert isinstance(flag["label"], html.Span)
    assert flag["label"].children == "sales marked unusual"
    assert flag["label"].title == "sales_outlier"
    assert "sales_outlier" in flag["search"] and "unusual" in flag["search"]


def test_the_feature_table_heads_with_labels_and_names_on_hover() -> None:
    head = feature_header(["time", "value", "lag_12", "month"], MONTHLY, "sales")
    cells = head.children.children
    assert [c.children for c in cells] == [
        "date",
        "sales",
        "sales 12 months earlier",
        "month of year",
    ]
    assert [c.title for c in cells] == ["time", "value", "lag_12", "month"]
