"""A global LightGBM over every kept series of a set, as one more member for replays.

``benchmarks/pool.py`` keeps each local model's backtest folds and final forecast per
series. A global model learns from all series at once, so it cannot be run series by
series: here, for each fold (counted back from the end, as the app's
``backtest.backtest_global`` does), ONE LightGBM is trained on every series that has
that fold, each cut where its own members were cut, and forecasts each series' fold;
then one more model on every whole training part makes the final forecasts. No
fold's model sees any value after a series' cut, and the final one never sees the
test parts.

The model: lags of two seasons and the position in the year, recursive forecasts, one
thread, a fixed seed, 300 trees fitted to absolute errors. The default (``window``)
is the app's own "LightGBM across series" (``services.models.ml.ShapeLightGbm``,
fitted through ``services.fitting.fit_predict``): it divides each training window
(and each step's inputs when forecasting) by the mean of the window's last season
and fits ``lightgbm`` directly; ``scale``, ``log`` and
``diff`` are Darts' ``LightGBMModel`` on each whole series divided by its last
season's mean (its logs, or its differences so divided), which forecast worse
(benchmarks/README.md). Forecasts are points (the five quantile columns equal), so
the member gets conformal ranges from its backtests like any model without its own.
They are kept in ``/work/cache/global/<set>.pkl`` (``FORECAST_GLOBAL_CACHE``), never
beside the pool's files; ``benchmarks/replay.py`` adds them as the member
``global_lightgbm``.

Run with ``PYTHONPATH=. .venv/bin/python benchmarks/global_model.py m3_monthly
[--transform window|scale|log|diff] [--direct] [--limit N] [--report]``; ``--report``
prints automatic with and without the member against the references on the same
series. ``FORECAST_BENCH_CACHE`` points both this and the pool at another cache.
"""

from __future__ import annotations

import argparse
import logging
import os
import pickle
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.pool import SETS, load, series_of
from services.models.base import QUANTILES

KEY = "global_lightgbm"
# "log" takes logs of the scaled values, floored here (M1 and M3 are all positive).
LOG_FLOOR = 1e-3
CACHE = Path(os.environ.get("FORECAST_GLOBAL_CACHE", "/work/cache/global"))


@dataclass(frozen=True)
class Settings:
    """How the global model is built (modest, so a set fits in minutes)."""

    # "scale", "log" (of the scaled values), "diff", or "window" (each training
    # window scaled by its own last season: fit_and_forecast_windows)
    transform: str = "window"
    direct: bool = False  # Darts variants: one model per step ahead, not recursive
    seasons: int = 2  # lags: this many seasons back
    n_estimators: int = 300
    learning_rate: float = 0.05
    num_leaves: int = 31
    # LightGBM's loss: "l1" (absolute errors, as MASE counts them) or "l2"
    objective: str = "l1"
    seed: int = 19


def plan_of(runs: dict[str, Any]) -> list[tuple[int, int]]:
    """(cut, test steps) of each fold, earliest first, as the members were tested."""
    for entry in runs["models"].values():
        outcome = entry["folds"]
        if outcome is not None and outcome.tested is not None:
            tested = outcome.tested
            plan = [
                (len(h), len(a))
                for h, a in zip(tested.histories, tested.actuals, strict=True)
            ]
            assert [cut for cut, _ in plan] == list(runs["cuts"])
            return plan
    return []


def _scale(window: np.ndarray, season: int) -> float:
    """The mean size of the window's last season (1 when it is all zeros)."""
    level = float(np.mean(np.abs(window[-season:])))
    return level if level > 0 else 1.0


def _inputs(window: np.ndarray, season: int, transform: str) -> tuple[np.ndarray, int]:
    """What the model learns from (and its first position in the window)."""
    scale = _scale(window, season)
    if transform == "diff":
        return np.diff(window) / scale, 1
    if transform == "log":
        return np.log(np.maximum(window / scale, LOG_FLOOR)), 0
    return window / scale, 0


def _outputs(
    predicted: np.ndarray, window: np.ndarray, season: int, transform: str
) -> np.ndarray:
    """Forecasts back in the series' units."""
    scale = _scale(window, season)
    if transform == "diff":
        return window[-1] + np.cumsum(predicted) * scale
    if transform == "log":
        return np.exp(predicted) * scale
    return predicted * scale


def fit_and_forecast(
    windows: list[np.ndarray],
    steps: int,
    season: int,
    unit: str,
    settings: Settings,
) -> tuple[list[np.ndarray | None], float, float]:
    """One model on all windows; ``steps`` forecasts of each, CPU and wall seconds.

    Windows shorter than the lags plus the steps learnt at once teach nothing and
    are left out of the fit; they are still forecast, their front padded with their
    first value.
    """
    import pandas as pd
    from darts import TimeSeries
    from darts.models import LightGBMModel

    if settings.transform == "window":
        return fit_and_forecast_windows(windows, steps, season, unit, settings)
    lags = settings.seasons * season
    freq = "MS" if unit == "month" else "QS"
    # Every series starts in January 1980, as benchmarks/pool.py dates them.
    calendar = pd.date_range(
        "1980-01-01", periods=max(map(len, windows)) + 1, freq=freq
    )

    def series(values: np.ndarray, first: int) -> Any:
        index = calendar[first : first + len(values)]
        return TimeSeries.from_times_and_values(index, values.astype(np.float32))

    cpu, wall = time.process_time(), time.perf_counter()
    inputs = [_inputs(w, season, settings.transform) for w in windows]
    model = LightGBMModel(
        lags=lags,
        lags_future_covariates=[0],
        add_encoders={
            "datetime_attribute": {
                "future": ["month" if unit == "month" else "quarter"]
            }
        },
        output_chunk_length=steps if settings.direct else 1,
        n_estimators=settings.n_estimators,
        learning_rate=settings.learning_rate,
        num_leaves=settings.num_leaves,
        objective=settings.objective,
        random_state=settings.seed,
        n_jobs=1,
        verbose=-1,
    )
    chunk = steps if settings.direct else 1
    learnt = [series(z, first) for z, first in inputs if len(z) >= lags + chunk]
    if not learnt:  # every window too short: these series lack the fold
        return [None] * len(windows), time.process_time() - cpu, 0.0
    model.fit(learnt)
    padded = []
    for z, first in inputs:
        missing = max(0, lags - len(z))
        padded.append(
            series(np.concatenate([np.full(missing, z[0]), z]), first - missing)
        )
    predicted = model.predict(steps, series=padded, show_warnings=False)
    outputs = [
        _outputs(p.values()[:, 0].astype(float), w, season, settings.transform)
        for p, w in zip(predicted, windows, strict=True)
    ]
    return outputs, time.process_time() - cpu, time.perf_counter() - wall


def fit_and_forecast_windows(
    windows: list[np.ndarray], steps: int, season: int, unit: str, settings: Settings
) -> tuple[list[np.ndarray | None], float, float]:
    """The app's own model ("LightGBM across series") on the windows, as it fits it.

    Its trees and learning rate come from ``settings``; its leaves, loss and seed
    are the app's (the other settings shape the Darts variants only).

    Every training window is scaled by the mean of its last season, so the trees
    learn shapes rather than levels (``services.models.ml.ShapeLightGbm``); the
    windows are dated from January 1980, as ``benchmarks/pool.py`` dates them.
    """
    import pandas as pd
    from darts import TimeSeries

    from services.fitting import SeriesData, Setup, fit_predict
    from services.models import CATALOG

    cpu, wall = time.process_time(), time.perf_counter()
    freq = "MS" if unit == "month" else "QS"
    calendar = pd.date_range("1980-01-01", periods=max(map(len, windows)), freq=freq)
    series = [
        SeriesData(TimeSeries.from_times_and_values(calendar[: len(w)], w))
        for w in windows
    ]
    try:
        params = {
            "n_estimators": settings.n_estimators,
            "learning_rate": settings.learning_rate,
        }
        forecasts, _fit, _predict = fit_predict(
            CATALOG[KEY], params, series, Setup(steps, season)
        )
    except ValueError:  # every window too short to learn from
        return [None] * len(windows), time.process_time() - cpu, 0.0
    points: list[np.ndarray | None] = [f[:, 2] for f in forecasts]
    return points, time.process_time() - cpu, time.perf_counter() - wall


def _points(values: np.ndarray) -> np.ndarray:
    """A point forecast as the app keeps one: every quantile column the point."""
    return np.repeat(values[:, None], len(QUANTILES), axis=1)


def run(
    name: str, settings: Settings, limit: int | None = None, groups: int | None = None
) -> dict[str, Any]:
    """Backtest and final forecasts of the global model on a set's kept series.

    ``limit`` learns from (and forecasts) only the first kept series in the pool's
    fixed random order, to see how the model does with fewer series; ``groups``
    splits them (in that order) into groups of that many series, each learnt from
    on its own, as a user with that many series would have it.
    """
    kept = load(name)
    order = [sid for sid, _train, _test in series_of(name) if sid in kept]
    if limit:
        order = order[:limit]
    size = groups or len(order)
    out: dict[str, Any] = {
        "key": KEY,
        "settings": asdict(settings),
        "groups": groups,
        "fits": [],
        "series": {},
    }
    for start in range(0, len(order), size):
        group = {sid: kept[sid] for sid in order[start : start + size]}
        found = run_on(group, name, settings, verbose=groups is None)
        out["fits"].extend(found["fits"])
        out["series"].update(found["series"])
    return out


def run_on(
    kept: dict[str, Any], name: str, settings: Settings, verbose: bool = True
) -> dict[str, Any]:
    """The global model's folds and final forecasts, learnt from ``kept`` only."""
    season, unit = SETS[name].period, SETS[name].unit
    plans = {sid: plan_of(runs) for sid, runs in kept.items()}
    plans = {sid: plan for sid, plan in plans.items() if plan}
    out: dict[str, Any] = {
        "fits": [],
        "series": {sid: {"folds": {}, "final": None} for sid in kept},
    }
    folds = max((len(plan) for plan in plans.values()), default=0)
    for back in range(folds, 0, -1):  # the earliest fold first
        fold = {sid: plan[-back] for sid, plan in plans.items() if len(plan) >= back}
        windows = [kept[sid]["train"][:cut] for sid, (cut, _test) in fold.items()]
        longest = max(test for _cut, test in fold.values())
        forecasts, cpu, wall = fit_and_forecast(
            windows, longest, season, unit, settings
        )
        for (sid, (cut, test)), forecast in zip(fold.items(), forecasts, strict=True):
            if forecast is not None:
                out["series"][sid]["folds"][cut] = _points(forecast[:test])
        out["fits"].append(
            {"fold": back, "series": len(fold), "cpu": cpu, "wall": wall}
        )
        if verbose:
            print(
                f"{name}: fold {back} back, {len(fold)} series, {cpu:.1f} s CPU",
                flush=True,
            )
    horizon = max(len(runs["test"]) for runs in kept.values())
    windows = [runs["train"] for runs in kept.values()]
    forecasts, cpu, wall = fit_and_forecast(windows, horizon, season, unit, settings)
    for (sid, runs), forecast in zip(kept.items(), forecasts, strict=True):
        if forecast is not None:
            out["series"][sid]["final"] = _points(forecast[: len(runs["test"])])
    out["fits"].append({"fold": 0, "series": len(kept), "cpu": cpu, "wall": wall})
    if verbose:
        print(f"{name}: final, {len(kept)} series, {cpu:.1f} s CPU", flush=True)
    return out


def path_of(name: str, groups: int | None = None) -> Path:
    """Where a set's global forecasts are kept (learnt in groups: beside them)."""
    return CACHE / (f"{name}-groups{groups}.pkl" if groups else f"{name}.pkl")


def load_global(name: str, groups: int | None = None) -> dict[str, Any] | None:
    """A set's kept global forecasts (None when not computed)."""
    path = path_of(name, groups)
    if not path.exists():
        return None
    with path.open("rb") as handle:
        kept: dict[str, Any] = pickle.load(handle)  # noqa: S301 (our own file)
    return kept


def report(name: str, groups: int | None = None) -> None:
    """Automatic with and without the member against the references, same series.

    The references are those of ``benchmarks/accuracy.py`` (each single model, the
    plain mean and median of ETS, Theta, CES and ARIMA); every row is scored on the
    series that have the global member.
    """
    from benchmarks import replay
    from benchmarks.accuracy import references
    from services.models import COMBINED

    kept = load(name)
    replay.add_global(name, kept, groups)
    kept = {sid: runs for sid, runs in kept.items() if KEY in runs["models"]}
    season = SETS[name].period
    automatics: dict[str, replay.RawRule] = {
        "automatic without the global member": replay.automatic(COMBINED),
        "automatic (the app: + global)": replay.automatic(),
        "automatic + AutoMFLES": replay.automatic([*COMBINED, "auto_mfles"]),
        "automatic + global + AutoMFLES": replay.automatic(
            [*COMBINED, KEY, "auto_mfles"]
        ),
    }
    others: dict[str, replay.Rule] = {
        "global_lightgbm alone": replay.single(KEY),
        "mean of four + global": replay.combine([*replay.STATS, KEY], "mean"),
        "median of four + global": replay.combine([*replay.STATS, KEY], "median"),
    }
    refs = references()
    rows: dict[str, list[dict[str, float]]] = {}
    for runs in kept.values():
        members = replay.members_of(runs, season)
        for rname, raw in automatics.items():
            result = raw(runs, season)
            assert result is not None
            rows.setdefault(rname, []).append(replay.score(runs, result, season))
        for rname, rule in {**others, **refs}.items():
            got = rule(members)
            if got is not None:
                rows.setdefault(rname, []).append(replay.score(runs, got, season))
    learnt = f"learnt in groups of {groups}" if groups else "learnt from all"
    print(f"\n{name}: {len(kept)} series with the global member ({learnt})")
    print("\n| model | series | MASE | sMAPE % | 80% range | 95% range |")
    print("|---|---|---|---|---|---|")
    mase = {}
    for rname, scored in rows.items():
        mean = {k: float(np.mean([s[k] for s in scored])) for k in scored[0]}
        mase[rname] = mean["mase"]
        print(
            f"| {rname} | {len(scored)} | {mean['mase']:.4f} | {mean['smape']:.2f} | "
            f"{mean['cover80']:.1%} | {mean['cover95']:.1%} |"
        )
    best = min(refs, key=lambda k: mase.get(k, np.inf))
    for rname in automatics:
        change = mase[rname] / mase[best] - 1
        print(
            f"{rname}: MASE {mase[rname]:.4f}, {abs(change):.2%} "
            f"{'lower' if change < 0 else 'higher'} than the best reference "
            f"({best}, {mase[best]:.4f}); the target is 2% lower."
        )


def main() -> None:
    """Fit the global model on one or more sets' kept series and keep its forecasts."""
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", choices=list(SETS))
    parser.add_argument(
        "--transform", choices=["scale", "log", "diff", "window"], default="window"
    )
    parser.add_argument("--direct", action="store_true")
    parser.add_argument("--n-estimators", type=int, default=Settings.n_estimators)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--groups", type=int, default=None, help="learn from groups of this many"
    )
    parser.add_argument("--report", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    settings = Settings(args.transform, args.direct, n_estimators=args.n_estimators)
    for name in args.sets:
        result = run(name, settings, args.limit, args.groups)
        CACHE.mkdir(parents=True, exist_ok=True)
        path = path_of(name, args.groups)
        partial = path.with_suffix(".part")
        with partial.open("wb") as handle:
            pickle.dump(result, handle)
        partial.rename(path)
        cpu = sum(f["cpu"] for f in result["fits"])
        wall = sum(f["wall"] for f in result["fits"])
        print(f"{name}: {len(result['fits'])} fits, {cpu:.0f} s CPU, {wall:.0f} s wall")
        if args.report:
            report(name, args.groups)


if __name__ == "__main__":
    main()
