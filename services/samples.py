"""Real public datasets bundled with the app, for a demo without a file at hand."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from services import storage
from services.datasets import DatasetInfo, create_dataset
from services.errors import NotFoundError

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"


@dataclass(frozen=True)
class Sample:
    """A bundled dataset with where it comes from."""

    key: str
    title: str
    description: str
    filename: str
    source: str


SAMPLES = (
    Sample(
        "air_passengers",
        "Airline passengers (monthly)",
        "International airline passengers in thousands, 1949–1960: trend and a "
        "strong yearly pattern.",
        "air_passengers.csv",
        "Box, Jenkins & Reinsel, Time Series Analysis (1976), series G; R datasets.",
    ),
    Sample(
        "victoria_electricity",
        "Electricity demand, Victoria (daily)",
        "Daily electricity demand in Victoria, Australia, 2014, with the maximum "
        "temperature and a working-day flag.",
        "victoria_electricity_daily.csv",
        "Australian Energy Market Operator, via R package fpp2 (elecdaily).",
    ),
    Sample(
        "australian_accommodation",
        "Accommodation takings by state (quarterly)",
        "Quarterly takings, occupancy and CPI of Australian hotels and motels, "
        "1998–2016, for 8 states and territories: several series in one table.",
        "australian_accommodation.csv",
        "Australian Bureau of Statistics, via R package fpp3 (aus_accommodation).",
    ),
)


def load_sample(user_id: int, key: str) -> DatasetInfo:
    """Add a bundled sample to the user's datasets.

    Raises
    ------
    NotFoundError
        For an unknown sample key.

    """
    sample = next((s for s in SAMPLES if s.key == key), None)
    if sample is None:
        raise NotFoundError("There is no such sample dataset.")
    with tempfile.NamedTemporaryFile(
        dir=storage.uploads_tmp_dir(), delete=False
    ) as tmp:
        shutil.copyfileobj((SAMPLES_DIR / sample.filename).open("rb"), tmp)
    return create_dataset(user_id, sample.filename, Path(tmp.name))
