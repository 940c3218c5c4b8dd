"""The hierarchy part of a forecast request: its checks and its defaults.

Kept apart from :mod:`services.forecast_request` so that module stays small; the
request calls :func:`check_hierarchy` when it is validated and
:func:`hierarchy_defaults` when it is resolved against the dataset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic_core import PydanticCustomError

from services.errors import InvalidInputError

if TYPE_CHECKING:
    from services.forecast_request import ForecastRequest

Reconciliation = Literal["bottom_up", "top_down", "mint_shrink", "ols", "none"]
DEFAULT_RECONCILIATION: Reconciliation = "mint_shrink"


def check_hierarchy(request: ForecastRequest) -> ForecastRequest:
    """A reconciliation needs a hierarchy; a hierarchy names its columns once each.

    Raises
    ------
    PydanticCustomError
        Turned into a 422 (API) or a readable message (page) by the caller.

    """
    hierarchy = request.hierarchy
    if hierarchy is not None and not hierarchy:
        raise PydanticCustomError(
            "empty_hierarchy",
            "Name the series columns of the hierarchy, top to bottom (e.g. "
            '["region", "store"]), or leave hierarchy out.',
        )
    if hierarchy and len(set(hierarchy)) < len(hierarchy):
        raise PydanticCustomError(
            "hierarchy_twice", "Name each column of the hierarchy once."
        )
    if request.reconciliation is not None and not hierarchy:
        raise PydanticCustomError(
            "reconciliation_without_hierarchy",
            "A reconciliation makes the totals of a hierarchy add up: send "
            '"hierarchy" too (the series columns, top to bottom), or leave '
            "reconciliation out.",
        )
    return request


def hierarchy_defaults(
    request: ForecastRequest, series_columns: list[str], label_columns: list[str]
) -> dict[str, Any]:
    """The hierarchy checked against the dataset, with its default method.

    A level is a series column, or a column of labels above them (the region of a
    store whose code alone names the series).

    Raises
    ------
    InvalidInputError
        When a column of the hierarchy is neither.

    """
    if not request.hierarchy:
        return {"hierarchy": None, "reconciliation": None}
    usable = [*series_columns, *(c for c in label_columns if c not in series_columns)]
    unknown = [c for c in request.hierarchy if c not in usable]
    if unknown:
        choices = ", ".join(f"“{c}”" for c in usable) or "none"
        raise InvalidInputError(
            f"“{unknown[0]}” cannot be a level of the hierarchy: choose series "
            f"columns or columns of labels, top to bottom. Columns you can choose: "
            f"{choices}.",
            code="invalid_hierarchy",
        )
    return {
        "hierarchy": list(request.hierarchy),
        "reconciliation": request.reconciliation or DEFAULT_RECONCILIATION,
    }
