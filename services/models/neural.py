"""Darts' PyTorch models trained quietly on a CPU, for the deep-learning catalog.

Each fit holds back the last stretch of every series that is long enough as a
validation split, stops when the validation error stops improving (and keeps the best
epoch's weights, in memory), stops when its time budget is spent, and reports epochs
to the job. Lightning writes nothing to the working directory: no progress bar, no
logger, no checkpoints. Series are trained in float32, which halves the work on a CPU.

This module imports torch; the catalog imports it only when a deep model is built.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pytorch_lightning as pl
import torch
from darts import TimeSeries
from darts.models import NBEATSModel, TiDEModel, TSMixerModel
from darts.utils.timeseries_generation import generate_index
from pytorch_lightning.callbacks import EarlyStopping

from services.models.base import QUANTILES

# Lightning announces the hardware it found on every fit ("GPU available: False…").
for _name in ("pytorch_lightning", "lightning.pytorch", "lightning.fabric"):
    logging.getLogger(_name).setLevel(logging.WARNING)
# TiDE notes on every fit that it widens few drivers; nothing a user can act on.
logging.getLogger("darts.models.forecasting.tide_model").setLevel(logging.ERROR)


@dataclass(frozen=True)
class TrainingPlan:
    """How one fit is run, beyond the network's own parameters.

    Parameters
    ----------
    name
        The model's display name, for progress messages.
    patience
        Epochs without a better validation error before training stops.
    windows_per_series
        The most recent training windows taken from each series.
    say
        Reports a progress message to the job (None: silent).

    """

    name: str
    patience: int
    windows_per_series: int
    say: Callable[[str], None] | None = None


def trainer_kwargs(epochs: int, seconds: float) -> dict[str, Any]:
    """Lightning settings for a quiet CPU fit of at most ``epochs`` and ``seconds``."""
    return {
        "accelerator": "cpu",
        "max_epochs": epochs,
        "max_time": {"seconds": seconds},
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "logger": False,
        "enable_checkpointing": False,
        "num_sanity_val_steps": 0,
        "default_root_dir": tempfile.gettempdir(),
    }


def model_kwargs() -> dict[str, Any]:
    """Darts settings that keep files out of the working directory."""
    return {
        "save_checkpoints": False,
        "log_tensorboard": False,
        "work_dir": tempfile.gettempdir(),
        "show_warnings": False,
    }


class Progress(pl.Callback):
    """Tells the job which epoch has ended."""

    def __init__(self, name: str, say: Callable[[str], None]) -> None:
        self.name, self.say = name, say

    def on_train_epoch_end(self, trainer: pl.Trainer, module: Any) -> None:
        """Report "<model>, epoch k of n"."""
        self.say(
            f"{self.name}, epoch {trainer.current_epoch + 1} of {trainer.max_epochs}"
        )


class KeepBest(pl.Callback):
    """Restores the weights of the epoch with the lowest validation error."""

    def __init__(self) -> None:
        self.best = float("inf")
        self.state: dict[str, torch.Tensor] | None = None

    def on_validation_end(self, trainer: pl.Trainer, module: Any) -> None:
        """Remember the weights when the validation error improved."""
        loss = trainer.callback_metrics.get("val_loss")
        if loss is not None and float(loss) < self.best:
            self.best = float(loss)
            self.state = {k: v.detach().clone() for k, v in module.state_dict().items()}

    def on_fit_end(self, trainer: pl.Trainer, module: Any) -> None:
        """Put the best weights back (the last epochs may have overfitted)."""
        if self.state is not None:
            module.load_state_dict(self.state)


@contextmanager
def quietly() -> Iterator[None]:
    """One torch thread and no library warnings, for the length of a fit or forecast.

    These networks are small: a second thread gains little, and on a busy machine
    (other fits, other jobs) torch's spinning threads made one fit 5-10x slower here.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*LeafSpec.*")
            yield
    finally:
        torch.set_num_threads(threads)


Series: TypeAlias = TimeSeries | Sequence[TimeSeries]


def _cast(series: Series | None, dtype: type[np.floating[Any]]) -> Any:
    if series is None:
        return None
    if isinstance(series, TimeSeries):
        return series.astype(dtype)
    return [s.astype(dtype) for s in series]


def _float32(series: Series | None) -> Any:
    return _cast(series, np.float32)


def _uncrossed(forecast: TimeSeries) -> TimeSeries:
    """Quantile columns put in order: a network trained briefly can cross them.

    Sorting the quantiles at each step (rearrangement) never makes them worse.
    """
    values = forecast.values()
    steps, columns = values.shape
    per_target = len(QUANTILES)
    ordered = np.sort(values.reshape(steps, columns // per_target, per_target), axis=2)
    return forecast.with_values(ordered.reshape(steps, columns, 1))


def _as_past(past: Series | None, future: Series | None) -> Any:
    """Known-future drivers joined to the past ones, for a past-only network."""
    if future is None:
        return past
    if past is None:
        return future
    if isinstance(past, TimeSeries) and isinstance(future, TimeSeries):
        return past.slice_intersect(future).stack(future.slice_intersect(past))
    return [_as_past(p, f) for p, f in zip(past, future, strict=True)]


def _front(ts: TimeSeries, start: Any) -> TimeSeries:
    """``ts`` extended back to ``start`` by repeating its first value."""
    if ts.start_time() <= start:
        return ts
    missing = len(generate_index(start=start, end=ts.start_time(), freq=ts.freq)) - 1
    return ts.prepend_values(np.repeat(ts.values()[:1], missing, axis=0))


def _lengthened(
    series: Sequence[TimeSeries],
    past: Sequence[TimeSeries] | None,
    future: Sequence[TimeSeries] | None,
    length: int,
) -> tuple[list[TimeSeries], Any, Any]:
    """Series shorter than ``length`` get their first value repeated in front.

    A network reads a fixed number of past values; a short series (in a set of
    longer ones) is read as if it had stood still before it began. Its drivers are
    extended the same way.
    """
    targets, pasts, futures = [], [], []
    for i, ts in enumerate(series):
        missing = length - len(ts)
        if missing > 0:
            start = ts.start_time() - missing * ts.freq
            ts = _front(ts, start)
        targets.append(ts)
        if past is not None:
            pasts.append(_front(past[i], ts.start_time()))
        if future is not None:
            futures.append(_front(future[i], ts.start_time()))
    return (
        targets,
        pasts if past is not None else None,
        (futures if future is not None else None),
    )


def _pick(series: Series | None, keep: list[int]) -> Any:
    if series is None:
        return None
    if isinstance(series, TimeSeries):
        return series
    return [series[i] for i in keep]


class _Planned:
    """fit() with a validation split, early stopping, the budget and progress."""

    plan: TrainingPlan
    input_chunk_length: int
    output_chunk_length: int
    trainer_params: dict[str, Any]
    epochs_trained: int
    epochs_run = 0  # epochs the last fit ran

    def fit(
        self,
        series: Series,
        past_covariates: Series | None = None,
        future_covariates: Series | None = None,
        **kwargs: Any,
    ) -> Any:
        """Fit on one series or several (covariates optional), as Darts' fit."""
        series = _float32(series)
        past_covariates = _float32(past_covariates)
        future_covariates = _float32(future_covariates)
        if not isinstance(series, TimeSeries):
            series, past_covariates, future_covariates = self._trainable(
                series, past_covariates, future_covariates
            )
        callbacks: list[pl.Callback] = []
        if self.plan.say is not None:
            callbacks.append(Progress(self.plan.name, self.plan.say))
        if "val_series" not in kwargs:
            series, validation = self._split(series, past_covariates, future_covariates)
            kwargs.update(validation)
        if kwargs.get("val_series") is not None:
            callbacks += [
                EarlyStopping("val_loss", patience=self.plan.patience, mode="min"),
                KeepBest(),
            ]
        self.trainer_params = {**self.trainer_params, "callbacks": callbacks}
        kwargs.setdefault("max_samples_per_ts", self.plan.windows_per_series)
        kwargs.setdefault("verbose", False)
        kwargs.setdefault("dataloader_kwargs", {"pin_memory": False})  # no GPU
        with quietly():
            super().fit(  # type: ignore[misc]
                series,
                past_covariates=past_covariates,
                future_covariates=future_covariates,
                **kwargs,
            )
        self.epochs_run = int(self.epochs_trained)  # a later predict resets Darts'
        return self

    def _trainable(
        self,
        series: Sequence[TimeSeries],
        past: Sequence[TimeSeries] | None,
        future: Sequence[TimeSeries] | None,
    ) -> tuple[list[TimeSeries], Any, Any]:
        """Series shorter than one training window sit out the training.

        They are still forecast (see ``predict``). When every series is that short,
        all are lengthened instead, so the network has something to learn from.
        """
        need = self.input_chunk_length + self.output_chunk_length
        keep = [i for i, s in enumerate(series) if len(s) >= need]
        if keep:
            return [series[i] for i in keep], _pick(past, keep), _pick(future, keep)
        return _lengthened(series, past, future, need)

    def _split(
        self,
        series: Series,
        past: Series | None,
        future: Series | None,
    ) -> tuple[Series, dict[str, Any]]:
        """Hold back the last output chunk of each series long enough to spare it."""
        icl, ocl = self.input_chunk_length, self.output_chunk_length
        many = list(series) if not isinstance(series, TimeSeries) else [series]
        keep = [i for i, s in enumerate(many) if len(s) >= icl + 2 * ocl]
        if not keep:
            return series, {}
        trains = [s[:-ocl] if i in keep else s for i, s in enumerate(many)]
        valid = [many[i][-(icl + ocl) :] for i in keep]
        validation: dict[str, Any] = {
            "val_series": valid[0] if isinstance(series, TimeSeries) else valid,
            "val_past_covariates": _pick(past, keep),
            "val_future_covariates": _pick(future, keep),
        }
        return (trains[0] if isinstance(series, TimeSeries) else trains), validation

    def predict(self, n: int, *args: Any, **kwargs: Any) -> Any:
        """Forecast as Darts' predict (float32 inside, float64 out)."""
        for name in ("series", "past_covariates", "future_covariates"):
            if kwargs.get(name) is not None:
                kwargs[name] = _float32(kwargs[name])
        if isinstance(kwargs.get("series"), Sequence):
            lengthened = _lengthened(
                kwargs["series"],
                kwargs.get("past_covariates"),
                kwargs.get("future_covariates"),
                self.input_chunk_length,
            )
            for name, value in zip(
                ("series", "past_covariates", "future_covariates"),
                lengthened,
                strict=True,
            ):
                if value is not None:
                    kwargs[name] = value
        kwargs.setdefault("verbose", False)
        kwargs.setdefault("dataloader_kwargs", {"pin_memory": False})
        with quietly():
            predicted = super().predict(n, *args, **kwargs)  # type: ignore[misc]
        predicted = _cast(predicted, np.float64)
        if not kwargs.get("predict_likelihood_parameters"):
            return predicted
        if isinstance(predicted, TimeSeries):
            return _uncrossed(predicted)
        return [_uncrossed(p) for p in predicted]


class NBeats(_Planned, NBEATSModel):  # type: ignore[misc]
    """N-BEATS with the training plan; it reads known-future drivers as past ones."""

    def fit(
        self,
        series: Series,
        past_covariates: Series | None = None,
        future_covariates: Series | None = None,
        **kwargs: Any,
    ) -> Any:
        """Fit as the other networks, with every driver as a past covariate."""
        past = _as_past(_float32(past_covariates), _float32(future_covariates))
        return super().fit(series, past_covariates=past, **kwargs)

    def predict(self, n: int, *args: Any, **kwargs: Any) -> Any:
        """Forecast, with every driver as a past covariate."""
        future = kwargs.pop("future_covariates", None)
        if future is not None:
            kwargs["past_covariates"] = _as_past(
                _float32(kwargs.get("past_covariates")), _float32(future)
            )
        return super().predict(n, *args, **kwargs)


class TSMixer(_Planned, TSMixerModel):  # type: ignore[misc]
    """TSMixer with the training plan."""


class TiDE(_Planned, TiDEModel):  # type: ignore[misc]
    """TiDE with the training plan."""


NETWORKS: dict[str, type[Any]] = {"nbeats": NBeats, "tsmixer": TSMixer, "tide": TiDE}


def build(network: str, plan: TrainingPlan, **kwargs: Any) -> Any:
    """An unfitted network of the given kind that trains by ``plan``."""
    model = NETWORKS[network](**kwargs, **model_kwargs())
    model.plan = plan
    return model
