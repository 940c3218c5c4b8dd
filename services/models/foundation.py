"""Chronos-2, a pretrained forecasting model: zero-shot quantiles from a weights folder.

Chronos-2 is not trained on the user's data: "fitting" loads the weights and keeps the
history; forecasting reads every series (with its drivers, when there are any) in
batches and answers quantiles directly. The weights cannot be downloaded while the app
runs: an operator puts them in a folder and names it in the ``CHRONOS_MODEL_DIR``
setting. Without them the model is listed, disabled, with the sentence that says so.

The model runs through the ``chronos-forecasting`` pipeline rather than Darts'
``Chronos2Model``: Darts' wrapper only answers the model's own quantile levels (not
2.5% and 97.5%) and horizons up to its output chunk, while the pipeline interpolates
any level and forecasts long horizons.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Any, cast

import numpy as np
from pydantic import BaseModel, Field

from services.models.base import QUANTILES, Context, ModelSpec

WEIGHT_FILES = ("config.json", "model.safetensors")
HOW_TO_ADD = (
    "Chronos-2 needs its pretrained weights, which the app cannot download. An "
    "operator can download amazon/chronos-2 (or the smaller "
    "autogluon/chronos-2-small) from Hugging Face and set CHRONOS_MODEL_DIR "
    "(environment variable FORECAST_STUDIO_CHRONOS_MODEL_DIR) to the folder that "
    "holds its config.json and model.safetensors."
)


def weights_folder() -> Path | None:
    """The Chronos-2 weights folder, when the setting names one holding the files."""
    import config

    folder = config.chronos_model_dir()
    if folder is None or not all((folder / f).is_file() for f in WEIGHT_FILES):
        return None
    return folder


def missing_weights() -> str:
    """Why Chronos-2 cannot run here ("" when its weights are in place)."""
    return "" if weights_folder() else HOW_TO_ADD


class ChronosParams(BaseModel):
    """How Chronos-2 reads the history."""

    context_length: int = Field(
        2048,
        ge=16,
        le=8192,
        description="Most recent values read from each series (the model's own "
        "limit applies too).",
    )
    batch_size: int = Field(
        64, ge=1, le=1024, description="Series (and drivers) read per batch."
    )
    cross_learning: bool = Field(
        False,
        description="Let the series of a batch inform each other's forecasts (can "
        "help short, related series).",
    )


@functools.lru_cache(maxsize=1)
def _pipeline(folder: str, modified: float) -> Any:
    """The loaded pipeline, kept per process while the weights file is unchanged."""
    import torch
    from chronos import BaseChronosPipeline
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    return BaseChronosPipeline.from_pretrained(
        folder, device_map="cpu", dtype=torch.float32
    )


def load_pipeline(folder: Path) -> Any:
    """Chronos' pipeline for the weights in ``folder``, in float32 on the CPU."""
    weights = folder / "model.safetensors"
    return _pipeline(str(folder.resolve()), weights.stat().st_mtime)


def _listed(series: Any) -> tuple[list[Any], bool]:
    from darts import TimeSeries

    if series is None:
        return [], False
    if isinstance(series, TimeSeries):
        return [series], True
    return list(series), False


def _columns(covariates: Any, start: Any, end: Any) -> dict[str, np.ndarray]:
    """Each driver's values from ``start`` to ``end`` (inclusive), by name."""
    part = covariates.slice(start, end)
    values = part.values(copy=False)
    return {
        str(name): values[:, i].astype(np.float32)
        for i, name in enumerate(part.components)
    }


class Chronos2Forecaster:
    """Chronos-2 with the fit/predict of a Darts global model.

    Examples
    --------
    >>> model = Chronos2Forecaster(folder, ChronosParams())  # doctest: +SKIP
    >>> model.fit([ts_a, ts_b])  # doctest: +SKIP
    >>> model.predict(12, predict_likelihood_parameters=True)  # doctest: +SKIP

    """

    def __init__(self, folder: Path, params: ChronosParams) -> None:
        self.folder, self.params = folder, params
        self.pipeline: Any = None
        self.series: list[Any] = []
        self.single = False
        self.past: list[Any] = []
        self.future: list[Any] = []

    def fit(
        self, series: Any, past_covariates: Any = None, future_covariates: Any = None
    ) -> Chronos2Forecaster:
        """Load the weights and keep the history (nothing is trained)."""
        self.pipeline = load_pipeline(self.folder)
        self.series, self.single = _listed(series)
        self.past = _listed(past_covariates)[0]
        self.future = _listed(future_covariates)[0]
        return self

    def _inputs(
        self, series: list[Any], past: list[Any], future: list[Any], n: int
    ) -> list[dict[str, Any]]:
        from darts.utils.timeseries_generation import generate_index

        inputs = []
        for i, ts in enumerate(series):
            start, end = ts.start_time(), ts.end_time()
            entry: dict[str, Any] = {
                "target": ts.values(copy=False)[:, 0].astype(np.float32)
            }
            history: dict[str, np.ndarray] = {}
            if past:
                history.update(_columns(past[i], start, end))
            if future:
                history.update(_columns(future[i], start, end))
                ahead = generate_index(start=end, length=n + 1, freq=ts.freq)
                coming = _columns(future[i], ahead[1], ahead[-1])
                entry["future_covariates"] = {
                    k: v for k, v in coming.items() if len(v) == n
                }
            if history:
                entry["past_covariates"] = history
            inputs.append(entry)
        return inputs

    def predict(
        self,
        n: int,
        series: Any = None,
        past_covariates: Any = None,
        future_covariates: Any = None,
        predict_likelihood_parameters: bool = False,
        num_samples: int = 1,
        **_ignored: Any,
    ) -> Any:
        """Forecast ``n`` steps: the 5 quantiles (or the median) of each series."""
        from darts import TimeSeries
        from darts.utils.timeseries_generation import generate_index

        if num_samples != 1:
            raise ValueError("Chronos-2 answers quantiles, not sample paths.")
        if self.pipeline is None:
            raise ValueError("Call fit() before predict().")
        single = self.single if series is None else _listed(series)[1]
        targets = self.series if series is None else _listed(series)[0]
        past = self.past if past_covariates is None else _listed(past_covariates)[0]
        future = (
            self.future if future_covariates is None else _listed(future_covariates)[0]
        )
        context = min(self.params.context_length, self.pipeline.model_context_length)
        with warnings.catch_warnings():  # past its horizon it rolls forward: fine
            warnings.filterwarnings("ignore", message="We recommend keeping")
            quantiles, _mean = self.pipeline.predict_quantiles(
                self._inputs(targets, past, future, n),
                prediction_length=n,
                quantile_levels=QUANTILES,
                batch_size=self.params.batch_size,
                context_length=context,
                cross_learning=self.params.cross_learning,
            )
        outputs = []
        for ts, q in zip(targets, quantiles, strict=True):
            # a quantile never lies below a lower one (a small model can cross them)
            values = np.sort(q[0].numpy().astype(np.float64), axis=1)
            name = str(ts.components[0])
            columns = [f"{name}_q{level:.3f}" for level in QUANTILES]
            if not predict_likelihood_parameters:
                values, columns = values[:, 2:3], [name]
            times = generate_index(start=ts.end_time(), length=n + 1, freq=ts.freq)
            outputs.append(
                TimeSeries.from_times_and_values(times[1:], values, columns=columns)
            )
        return outputs[0] if single else outputs


def _chronos(params: BaseModel, context: Context) -> Chronos2Forecaster:
    folder = weights_folder()
    if folder is None:
        raise ValueError(HOW_TO_ADD)
    return Chronos2Forecaster(folder, cast(ChronosParams, params))


FOUNDATION = (
    ModelSpec(
        "chronos2",
        "Chronos-2",
        "foundation",
        "A model pretrained on a large collection of time series that forecasts "
        "without training on yours, reading every series and its drivers.",
        _chronos,
        ChronosParams,
        multi_series=True,
        covariates=True,
        min_history=8,
        complexity=8,
        requirement=missing_weights,
        tags=["pretrained", "zero-shot", "global"],
    ),
)
