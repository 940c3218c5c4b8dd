"""Cleaning recipes: validated lists of steps, applied in order, counting changes.

A recipe is data (a list of steps, each an ``op`` and its parameters) so it can be saved
with a version and replayed on a new upload of the same shape. Each step lives in its
own module; adding one means a model and an apply function there, and a line in
:data:`Step` and :data:`APPLY` here.
"""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
from pydantic import Field, TypeAdapter

from services import calendar_grid
from services.cleaning.base import Change, Layout
from services.cleaning.columns import (
    Cast,
    ParseDates,
    Rename,
    apply_cast,
    apply_parse_dates,
    apply_rename,
)
from services.cleaning.deduplicate import Deduplicate, apply_deduplicate
from services.cleaning.impute import Impute, apply_impute
from services.cleaning.outlier_treatment import Outliers, apply_outliers
from services.cleaning.regularize import Regularize, apply_regularize, own_calendar
from services.cleaning.resample import Resample, apply_resample
from services.errors import InvalidInputError

Step = Annotated[
    Impute
    | Regularize
    | Deduplicate
    | Outliers
    | Resample
    | Cast
    | ParseDates
    | Rename,
    Field(discriminator="op"),
]
RECIPE = TypeAdapter(list[Step])


def parse_recipe(steps: Any) -> list[Any]:
    """Validate a recipe (a list of step objects).

    Raises
    ------
    InvalidInputError
        Naming the step and the field that is wrong.

    """
    try:
        return RECIPE.validate_python(steps)
    except Exception as exc:
        errors: list[Any] = getattr(exc, "errors", lambda: [])()
        if errors:
            loc = errors[0]["loc"]
            where = f"step {int(loc[0]) + 1}" if loc and isinstance(loc[0], int) else ""
            field = ".".join(str(p) for p in loc[1:] if not str(p).istitle())
            raise InvalidInputError(
                f"Recipe {where}, {field or 'op'}: {errors[0]['msg']}.",
                code="invalid_step",
            ) from exc
        raise InvalidInputError(
            "The recipe must be a list of steps.", code="invalid_step"
        ) from exc


def apply_recipe(
    frame: pl.DataFrame, steps: list[Any], layout: Layout
) -> tuple[pl.DataFrame, list[Change]]:
    """Apply the steps in order; the input frame is never modified.

    Raises
    ------
    InvalidInputError
        For a step that names an unknown column, cannot apply, or leaves no rows.

    """
    changes = []
    for index, step in enumerate(steps, start=1):
        try:
            frame, change = APPLY[step.op](frame, step, layout, index)
        except InvalidInputError as exc:
            raise InvalidInputError(
                f"Step {index} ({step.op}): {exc.message}", code="invalid_step"
            ) from exc
        if frame.height == 0:
            raise InvalidInputError(
                f"Step {index} ({step.op}) would leave no rows.", code="invalid_step"
            )
        layout = _after(step, layout)
        changes.append(change)
    return frame, changes


def _after(step: Any, layout: Layout) -> Layout:
    """The layout the next step sees: a renamed time column, a new frequency."""
    time, keys, frequency = layout.time_column, layout.series_columns, layout.frequency
    if step.op == "rename" and time == step.column:
        time = step.to
    elif step.op == "resample":
        frequency = calendar_grid.follow_anchor(step.frequency, frequency)
    elif step.op == "regularize":
        frequency = own_calendar(step.frequency, frequency)
    return Layout(time, keys, frequency)


APPLY: dict[str, Any] = {
    "impute": apply_impute,
    "regularize": apply_regularize,
    "deduplicate": apply_deduplicate,
    "outliers": apply_outliers,
    "resample": apply_resample,
    "cast": apply_cast,
    "parse_dates": apply_parse_dates,
    "rename": apply_rename,
}
