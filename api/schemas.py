"""Request and response models of the JSON API; the OpenAPI document uses them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from api.override_schemas import OverrideValueOut
from services.preview import PAGE_COLUMNS
from services.profiling import ColumnProfile, DataIssue, Frequency, Role
from services.refresh import NOTE_MAX_CHARS


class ErrorBody(BaseModel):
    """What went wrong: a stable code and a readable message."""

    code: str
    message: str


class ErrorResponse(BaseModel):
    """Every 4xx answer."""

    error: ErrorBody


class ColumnOut(BaseModel):
    """One column of a dataset."""

    name: str
    role: str
    dtype: str
    missing: int
    distinct: int | None = None
    examples: list[str] = []
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    detected_role: str | None = None

    @classmethod
    def of(cls, column: ColumnProfile) -> ColumnOut:
        """From a profiled column."""
        return cls(**column.model_dump())


class DatasetOut(BaseModel):
    """A dataset with the profile of its current version."""

    id: str
    name: str
    version_id: str
    created_at: datetime
    rows: int
    columns: list[ColumnOut]
    time_column: str | None
    time_explanation: str | None = None
    start: str | None = None
    end: str | None = None
    frequency: Frequency | None = None
    median_gap_days: float | None = None
    target: str | None = None
    target_candidates: list[str]
    series_id_columns: list[str]
    series_count: int = 1
    issues: list[DataIssue]
    sheet: str | None = None
    sheets: list[str] = []


# Requests are strict: a number is not a string, a boolean is not a number.
REQUEST = ConfigDict(extra="forbid", strict=True)


class ColumnsUpdate(BaseModel):
    """Column choices to change: a field left out stays, ``null`` is "as detected"."""

    model_config = REQUEST
    roles: dict[str, Role] | None = None
    time_column: str | None = None
    target: str | None = None
    series_id_columns: list[str] | None = None


class PreviewOut(BaseModel):
    """A page of rows of a dataset version, with some of its columns."""

    kind: Literal["head", "tail", "sample"]
    offset: int
    n: int
    total_rows: int
    matched_rows: int
    total_columns: int = Field(description="How many columns the version has")
    column_offset: int = Field(description="The first column shown (0 is the first)")
    columns: list[str] = Field(
        description=f"The columns shown: at most {PAGE_COLUMNS}, from column_offset on"
    )
    rows: list[dict[str, Any]]


class VersionRequest(BaseModel):
    """A recipe to apply to a version (the current one when ``parent`` is left out)."""

    model_config = REQUEST
    parent: str | None = None
    steps: list[dict[str, Any]] = Field(
        min_length=1,
        description='Steps, each an "op" with its parameters, e.g. {"op": "impute", '
        '"column": "sales", "method": "linear", "max_gap": 3}.',
    )


class VersionSummary(BaseModel):
    """A version in the lineage."""

    id: str
    parent: str | None
    created_at: datetime
    recipe: list[dict[str, Any]]
    hash: str
    rows: int
    missing: int | None = None
    current: bool = False


class VersionOut(VersionSummary):
    """A new version: what each step changed, and its profile."""

    changes: list[dict[str, Any]]
    profile: DatasetOut


class AddedDataOut(BaseModel):
    """Newer data added to a dataset: its new current version and what changed."""

    dataset_id: str
    mode: Literal["append", "replace"]
    version_id: str = Field(description="The dataset's new current version")
    raw_version_id: str = Field(
        description="The grown table as read (the same as version_id unless a "
        "cleaning recipe was replayed on it)"
    )
    rows_added: int = Field(description="Points (series and time) that are new")
    values_revised: int = Field(
        description="Points the dataset had whose values the file changes"
    )
    rows_removed: int | None = Field(
        description="With mode replace, the points the file no longer holds; null "
        "with append"
    )
    recipe_replayed: bool
    changes: list[dict[str, Any]] = Field(
        description="What each step of the replayed recipe did (empty when none was)"
    )
    profile: DatasetOut
    refresh_job_ids: list[str] = Field(
        description="Jobs refreshing the dataset's forecasts that have auto_refresh on"
    )


class ComparisonPoint(BaseModel):
    """One time of one series in both versions."""

    series: str | None
    time: str
    before: float | None
    after: float | None
    change: Literal["filled", "changed", "removed"] | None


class ComparisonOut(BaseModel):
    """A column in two versions: counts, statistics side by side, the changed points."""

    column: str
    series: str | None
    counts: dict[str, int]
    stats: dict[str, dict[str, float | int | None]]
    changed: list[ComparisonPoint]


class OutlierPoint(BaseModel):
    """A value a detector finds unusual, with the band it should lie in."""

    series: str | None
    time: str
    value: float
    lower: float | None
    upper: float | None


class OutliersOut(BaseModel):
    """What a detector would flag; nothing is changed."""

    column: str
    method: str
    sensitivity: float
    count: int
    points: list[OutlierPoint]


class AnalysisOut(BaseModel):
    """What the Explore page shows, for programs."""

    target: str
    series: str | None
    frequency: Frequency | None
    season_lengths: list[int]
    trend_strength: float | None
    seasonal_strength: float | None
    adf: dict[str, float] | None
    kpss: dict[str, float] | None
    adf_trend: dict[str, float] | None = Field(
        None, description="ADF allowing for a straight-line trend."
    )
    kpss_trend: dict[str, float] | None = Field(
        None, description="KPSS allowing for a straight-line trend."
    )
    stationarity: (
        Literal[
            "stationary", "trend-stationary", "difference-stationary", "inconclusive"
        ]
        | None
    )
    suggested_transform: str
    acf: list[float]
    pacf: list[float]
    summary: str
    explanation: str
    points: int
    analysed_points: int
    notes: list[str]


class DatasetList(BaseModel):
    """The caller's datasets, newest first."""

    datasets: list[DatasetOut]


class ReportRequest(BaseModel):
    """A workbook or PDF report to make as a job."""

    model_config = REQUEST

    format: Literal["xlsx", "pdf"] = Field(
        description="xlsx: the Excel workbook; pdf: the PDF report."
    )


class AnalysisJobRequest(BaseModel):
    """Which series to analyse in full (the dataset's target and first series by
    default)."""

    model_config = REQUEST
    target: str | None = None
    series: str | None = Field(None, description="One series, by its label.")


class JobAccepted(BaseModel):
    """A queued job."""

    job_id: str


JobStatus = Literal[
    "queued", "running", "succeeded", "failed", "cancelled", "interrupted"
]


class JobOut(BaseModel):
    """A job's state."""

    id: str
    kind: str
    status: JobStatus
    progress: float = Field(ge=0, le=1)
    message: str
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    forecast_id: str | None = None
    analysis_id: str | None = None
    download_url: str | None = Field(
        None, description="Where a finished report job's file is downloaded."
    )


class JobList(BaseModel):
    """The caller's recent jobs, newest first."""

    jobs: list[JobOut]


class ForecastPoint(BaseModel):
    """One forecast step of one series, with its central interval."""

    series: str | None
    time: str
    value: float
    lower: float
    upper: float
    statistical_value: float = Field(
        description="The model's value; `value` differs where a person overrode it."
    )
    reason: str | None = Field(None, description="Why it was overridden, if it was.")
    hierarchy_level: str | None = Field(
        None,
        description='With a hierarchy: "total" or the deepest series column of the '
        'point\'s series ("region", "store").',
    )


class LevelRow(BaseModel):
    """A hierarchy level's backtest accuracy (the chosen models, averaged)."""

    level: str = Field(description='"total" or a series column ("region").')
    series: int = Field(description="How many series the level holds.")
    model: str | None = None
    mase: float | None = None
    smape: float | None = None
    mape: float | None = None
    mae: float | None = None
    rmse: float | None = None
    msis: float | None = None


class LeaderboardRow(BaseModel):
    """One model's backtest scores (or its error)."""

    model: str
    name: str
    mase: float | None = None
    smape: float | None = None
    mape: float | None = None
    mae: float | None = None
    rmse: float | None = None
    coverage: float | None = None
    msis: float | None = None
    fit_seconds: float | None = None
    predict_seconds: float | None = None
    error: str | None = Field(
        None, description="Why the model failed, in plain words (it has no scores)."
    )
    note: str | None = Field(
        None,
        description="On which series the model failed, and why, when it scored on "
        "the others.",
    )


class CatalogEntry(BaseModel):
    """A model of the catalog and its parameters."""

    key: str
    name: str
    family: str
    description: str
    native_intervals: bool
    multi_series: bool
    covariates: bool
    min_history: int
    available: bool
    unavailable_reason: str
    params_schema: dict[str, Any]


class ForecastOut(BaseModel):
    """A forecast at one interval level."""

    id: str
    dataset_id: str
    target: str
    model: str
    model_name: str
    horizon: int
    level: Literal[80, 95]
    created_at: datetime
    points: list[ForecastPoint]
    leaderboard: list[LeaderboardRow] = []
    levels: list[LevelRow] = Field(
        [], description="With a hierarchy: the accuracy of each level, top first."
    )
    hierarchy: list[str] | None = None
    reconciliation: str | None = None
    mlflow_run_id: str | None = None
    notes: list[str] = Field(
        [], description="What the user should know: filled gaps, drivers, warnings."
    )
    previous_id: str | None = Field(
        None, description="The forecast this one refreshes (same setup, newer data)."
    )
    auto_refresh: bool = Field(
        False, description="Refreshed whenever new data is added to its dataset."
    )
    note: str | None = Field(None, description="The owner's note.")
    baseline_id: str | None = Field(
        None, description="For a scenario: the forecast whose drivers it changes."
    )
    scenario: str | None = Field(None, description="For a scenario: its name.")


class Health(BaseModel):
    """The service is up."""

    status: Literal["ok"]


class ForecastUpdate(BaseModel):
    """What to change on a forecast: a field left out stays as it is."""

    model_config = REQUEST
    auto_refresh: bool | None = Field(
        None,
        description="Refresh the forecast whenever new data is added to its dataset "
        "(null leaves it as it is).",
    )
    note: str | None = Field(
        None,
        max_length=NOTE_MAX_CHARS,
        description=f"A short note (at most {NOTE_MAX_CHARS} characters); null or an "
        "empty one removes it.",
    )


class AccuracyScores(BaseModel):
    """Errors over the forecast steps that have an actual value (null: undefined)."""

    n: int = Field(ge=0, description="Forecast steps with an actual value.")
    mae: float | None = None
    mase: float | None = Field(
        None,
        description="Scaled by the in-sample seasonal naive error of the history "
        "the forecast was made from; overall, the mean over series.",
    )
    smape: float | None = Field(None, description="From 0 to 200.")
    bias: float | None = Field(
        None, description="Mean of forecast minus actual (above 0: too high)."
    )
    coverage_80: float | None = Field(None, ge=0, le=1)
    coverage_95: float | None = Field(None, ge=0, le=1)


class SeriesAccuracy(BaseModel):
    """One series' errors (``series`` is null for a single series)."""

    series: str | None
    n: int = Field(ge=0)
    mae: float | None = None
    mase: float | None = None
    smape: float | None = None
    bias: float | None = None
    coverage_80: float | None = Field(None, ge=0, le=1)
    coverage_95: float | None = Field(None, ge=0, le=1)
    backtest_mase: float | None = Field(
        None, description="The backtests' MASE of the model that forecast it."
    )


class AccuracyPoint(BaseModel):
    """One forecast step next to its actual value (null while there is none)."""

    series: str | None
    time: str
    forecast: float
    actual: float | None
    lower_80: float
    upper_80: float
    lower_95: float
    upper_95: float


class VerdictOut(BaseModel):
    """How the forecast did, in a code and a sentence."""

    code: Literal[
        "no_actuals_yet",
        "as_expected",
        "worse_than_backtests",
        "better_than_backtests",
    ]
    message: str


class AccuracyOut(BaseModel):
    """A forecast against the actuals the dataset's current version holds."""

    forecast_id: str
    overall: AccuracyScores
    series: list[SeriesAccuracy]
    points: list[AccuracyPoint]
    verdict: VerdictOut
    backtest_mase: float | None = Field(
        None,
        description="The backtests' MASE the verdict compares with: their mean over "
        "the series that have actual values.",
    )
    overrides: OverrideValueOut | None = Field(
        None, description="Whether the overrides helped; null without overrides."
    )


class HistoryEntryOut(BaseModel):
    """One forecast of a refresh history, with how it did against the data now."""

    id: str
    previous_id: str | None = Field(description="The forecast it refreshed.")
    version_id: str = Field(description="The dataset version it was made from.")
    model: str
    model_name: str
    created_at: datetime
    auto_refresh: bool
    note: str | None
    current: bool = Field(description="Whether it is the forecast asked about.")
    accuracy: AccuracyScores | None = Field(
        None, description="Its overall errors (null when they cannot be measured)."
    )
    verdict: VerdictOut | None = None


class ForecastHistoryOut(BaseModel):
    """A forecast's refresh history, oldest first."""

    forecast_id: str
    forecasts: list[HistoryEntryOut]


class ShareRequest(BaseModel):
    """A read-only link to make (the body may be left out: 30 days)."""

    model_config = REQUEST
    expires_in_days: int = Field(
        30, ge=1, le=365, description="How many days the link works (1 to 365)."
    )


class ShareCreated(BaseModel):
    """A link just made. ``url`` holds its token: it is shown only this once."""

    id: str
    url: str = Field(description="The link's path, /s/<token>, to open with no login")
    expires_at: datetime


class ShareOut(BaseModel):
    """A link as its owner sees it (without its token, which is not kept)."""

    id: str
    forecast_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    status: Literal["active", "expired", "revoked"]
    views: int = Field(description="How many times the shared page was opened")
    last_viewed_at: datetime | None


class ShareList(BaseModel):
    """A forecast's links, newest first, revoked and expired ones too."""

    shares: list[ShareOut]
