"""One forecast request, typed from the API body or the Models page to the job's end.

The API validates its body into a ``ForecastRequest``; the Models page builds one from
its form. ``resolve`` checks it against the dataset and fills every default once (the
version, the series columns, the transform, the time column and the frequency), so
the job's parameters (``request.model_dump(mode="json")``) make the run reproducible,
and the handler reads them back with ``ForecastRequest.model_validate``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from services import datasets
from services.errors import InvalidInputError
from services.forecasting import MAX_HORIZON, check_models
from services.hierarchy_request import (
    Reconciliation,
    check_hierarchy,
    hierarchy_defaults,
)
from services.profiling import Frequency
from services.selection import METRICS

AUTO = "auto"
# Requests are strict: a number is not a string, a boolean is not a number.
STRICT = ConfigDict(extra="forbid", strict=True)
Transform = Literal[
    "none", "log", "box-cox", "differencing", "seasonal differencing", "scale"
]


class ModelChoice(BaseModel):
    """A catalog model, optionally with parameters."""

    model_config = STRICT
    key: str
    params: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _strict_params(self) -> ModelChoice:
        """A catalog model's parameters are what its schema says (``true`` is not 1)."""
        from services.models import CATALOG  # the catalog imports the model libraries

        spec = CATALOG.get(self.key)
        if spec is not None and self.params:
            try:
                spec.params.model_validate(self.params, strict=True)
            except ValidationError as exc:
                first = exc.errors()[0]
                raise PydanticCustomError(
                    "invalid_params",
                    "{key}: {where}: {message}",
                    {
                        "key": self.key,
                        "where": ".".join(str(p) for p in first["loc"]),
                        "message": first["msg"],
                    },
                ) from None
        return self


def _as_choice(entry: Any) -> Any:
    """A plain key (``"auto_ets"``) is that model with its default settings."""
    return {"key": entry} if isinstance(entry, str) else entry


# What ``models`` holds: a key, or {"key", "params"}; kept as a ModelChoice.
ModelEntry = Annotated[
    ModelChoice,
    BeforeValidator(_as_choice, json_schema_input_type=str | ModelChoice),
]


class ForecastRequest(BaseModel):
    """What to forecast, how far ahead, and which models to compare."""

    model_config = STRICT
    target: str = Field(description="A numeric column of the dataset.")
    horizon: int = Field(
        ge=1, le=MAX_HORIZON, description="Steps ahead, in the data's frequency."
    )
    version: str | None = Field(None, description="A version id (default: current).")
    models: list[ModelEntry] | None = Field(
        None,
        description='["auto"] by default: the automatic comparison. Or the models to '
        'compare, each a catalog key ("auto_ets") or {"key", "params"}, mixed as you '
        'like: ["auto_ets", {"key": "lightgbm", "params": {"n_estimators": 100}}]. '
        '"auto" stands alone: with other models it is a 422.',
    )
    transform: Transform | None = None
    folds: int | None = Field(None, ge=1, le=10)
    metric: Literal["mase", "smape", "mape", "mae", "rmse", "msis"] = "mase"
    per_series: bool = Field(False, description="Each series gets its own best model.")
    series_id: list[str] | None = Field(
        None,
        description="Columns that identify each series (default: the dataset's).",
    )
    drivers: list[str] | None = Field(
        None,
        description="Numeric columns used as covariates by the models that take "
        "them; values in the rows after the last target value are known future "
        "values, otherwise only a driver's past is used.",
    )
    hierarchy: list[str] | None = Field(
        None,
        description='Series columns, top to bottom (e.g. ["region", "store"]): '
        "the grand total, each region and each store are forecast, and made to add "
        "up by the reconciliation.",
    )
    reconciliation: Reconciliation | None = Field(
        None,
        description='How the totals are made to add up: "mint_shrink" (the default '
        'with a hierarchy), "ols", "bottom_up", "top_down" or "none". Only with a '
        "hierarchy.",
    )
    # Filled by ``resolve`` from the dataset (whatever a caller sent is replaced).
    dataset_id: SkipJsonSchema[str | None] = None
    time_column: SkipJsonSchema[str | None] = None
    frequency: SkipJsonSchema[Frequency | None] = None

    @field_validator("models")
    @classmethod
    def _automatic_alone(cls, models: list[ModelChoice] | None) -> Any:
        """The automatic choice stands alone, and each model is compared once."""
        keys = [m.key for m in models or []]
        if AUTO in keys and (len(keys) > 1 or models and models[0].params):
            raise PydanticCustomError(
                "automatic_alone",
                '"auto" means the automatic comparison, so it stands alone, without '
                'params: send ["auto"], or list the models to compare instead, e.g. '
                '["auto_ets", "lightgbm"].',
            )
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise PydanticCustomError(
                "model_twice",
                "List each model once ({twice} is listed more than once); to compare "
                "other settings, run another forecast.",
                {"twice": ", ".join(f'"{key}"' for key in twice)},
            )
        return models

    @model_validator(mode="after")
    def _hierarchy_first(self) -> ForecastRequest:
        """A reconciliation needs a hierarchy; a hierarchy names each column once."""
        return check_hierarchy(self)

    def model_choices(self) -> list[dict[str, Any]] | None:
        """The models as the forecast service takes them; ``None`` is automatic."""
        if not self.models or self.models[0].key == AUTO:
            return None
        return [m.model_dump() for m in self.models]


def parse(fields: dict[str, Any]) -> ForecastRequest:
    """A request from plain values (a page's form), with a readable error.

    Raises
    ------
    InvalidInputError
        Naming the first field that is out of range and why.

    """
    try:
        return ForecastRequest.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "request"
        raise InvalidInputError(
            f"{where}: {first['msg']}.", code="invalid_request"
        ) from None


def resolve(user_id: int, dataset_id: str, request: ForecastRequest) -> ForecastRequest:
    """Check a request against the dataset and fill its defaults from it.

    The column choices in force now travel with the job, so it is reproducible.

    Raises
    ------
    NotFoundError
        When the dataset (or version) is not the user's.
    InvalidInputError
        When the target is not a numeric column, there is no time column, or a
        model, a series column or a driver cannot be used.

    """
    info = datasets.get_dataset(user_id, dataset_id)
    profile = info.profile
    if profile.time_column is None:
        raise InvalidInputError(
            profile.time_explanation or "The data has no time column.",
            code="no_time_column",
        )
    target = request.target
    if target not in profile.target_candidates:
        choices = ", ".join(profile.target_candidates) or "none"
        raise InvalidInputError(
            f"“{target}” cannot be forecast. Numeric columns you can "
            f"choose: {choices}.",
            code="invalid_target",
        )
    if request.metric not in METRICS:
        raise InvalidInputError("metric must be one of " + ", ".join(METRICS) + ".")
    if request.version is not None:
        datasets.version_file(user_id, dataset_id, request.version)  # theirs?
    check_models(request.model_choices())
    names = {c.name: c for c in profile.columns}
    series_id = request.series_id
    for name in series_id or []:
        if name not in names or name in (target, profile.time_column):
            raise InvalidInputError(
                f"“{name}” cannot identify the series: choose columns of the data "
                "other than the time and the target.",
                code="invalid_series_id",
            )
    for name in request.drivers or []:
        if name not in names or names[name].role not in ("numeric", "boolean"):
            raise InvalidInputError(
                f"“{name}” cannot be a driver: choose numeric columns.",
                code="invalid_driver",
            )
        if name in (target, *(series_id or profile.series_id_columns)):
            raise InvalidInputError(
                f"“{name}” is the target or a series column, not a driver.",
                code="invalid_driver",
            )
    hierarchy = hierarchy_defaults(
        request,
        profile.series_id_columns if series_id is None else series_id,
        [
            c.name
            for c in profile.columns
            if c.role in ("categorical", "identifier")
            and c.name not in (target, profile.time_column)
        ],
    )
    return request.model_copy(
        update={
            **hierarchy,
            "dataset_id": dataset_id,
            "models": request.models if request.model_choices() else None,  # auto
            "version": request.version or info.version_id,
            "time_column": profile.time_column,
            "series_id": profile.series_id_columns if series_id is None else series_id,
            "drivers": list(request.drivers or []),
            "frequency": profile.frequency,
            "transform": info.columns_config.transform
            if request.transform is None
            else request.transform,
        }
    )
