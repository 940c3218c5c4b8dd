"""A first forecast in one click: the automatic forecast with what was recognised."""

from __future__ import annotations

from services import forecasts, samples
from services.datasets import DatasetInfo
from services.errors import InvalidInputError
from services.forecast_request import ForecastRequest, parse
from services.jobs import JobInfo
from services.profiling import Profile

# Steps ahead by the data's time unit: about a season, or a year of months.
DEFAULT_HORIZON = {
    "month": 12,
    "quarter": 8,
    "year": 5,
    "week": 13,
    "day": 14,
    "business_day": 10,
    "hour": 48,
    "minute": 60,
    "second": 60,
}


def default_target(profile: Profile) -> str | None:
    """The column to forecast when nobody chose one: the recognised target."""
    return profile.target or next(iter(profile.target_candidates), None)


def default_horizon(profile: Profile) -> int:
    """How many steps ahead to forecast when nobody said: by the data's frequency."""
    return DEFAULT_HORIZON.get(profile.frequency.unit, 12) if profile.frequency else 12


def automatic_request(info: DatasetInfo) -> ForecastRequest:
    """The automatic forecast of one of the user's datasets, as a request.

    Its recognised target, the default horizon, the models the app chooses. The one
    place that builds this request.

    Raises
    ------
    InvalidInputError
        When nothing in the dataset can be forecast, or the request does not fit it.

    """
    target = default_target(info.profile)
    if target is None:
        raise InvalidInputError(
            "This table has no column of numbers to forecast.", code="invalid_target"
        )
    return parse({"target": target, "horizon": default_horizon(info.profile)})


def forecast_automatically(user_id: int, info: DatasetInfo) -> JobInfo:
    """Queue the automatic forecast of one of the user's datasets.

    Raises
    ------
    InvalidInputError
        When nothing in the dataset can be forecast, or the request does not fit it.
    NotFoundError
        When the dataset is not the user's.

    """
    return forecasts.submit_forecast(user_id, info.id, automatic_request(info))


def forecast_sample(user_id: int, key: str) -> tuple[DatasetInfo, JobInfo]:
    """Add a bundled sample to the user's datasets and queue its automatic forecast.

    Raises
    ------
    NotFoundError
        For an unknown sample key.
    InvalidInputError
        When the sample cannot be forecast automatically.

    """
    info = samples.load_sample(user_id, key)
    return info, forecast_automatically(user_id, info)
