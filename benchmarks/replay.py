"""Replay combination and interval rules on the kept runs of ``benchmarks/pool.py``.

For each series the kept runs hold every pool model's backtest folds and its final
forecast. A rule is a way to turn those into one forecast with 80% and 95% ranges,
using the backtests only (never the test part); it is scored on the test part: MASE
(seasonal, scaled by the training part), sMAPE, and how often the test actuals fall
inside each range.

When ``benchmarks/global_model.py`` has kept a set's global LightGBM forecasts, they
join each series as the member ``global_lightgbm`` (a model without its own ranges),
and the rules that name it are replayed too, on the series that have it.

Run with ``PYTHONPATH=. .venv/bin/python benchmarks/replay.py [set …]``.
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks import global_model
from benchmarks.global_model import KEY as GLOBAL
from benchmarks.pool import SETS, load
from services import backtest, final_forecast, selection
from services.metrics import point_metrics
from services.models import (
    AUTOMATIC,
    AUTOMATIC_MANY,
    CATALOG,
    COMBINED,
    COMBINED_MANY,
)

STATS = ["auto_ets", "auto_theta", "auto_ces", "auto_arima"]


@dataclass
class Member:
    """One model on one series: fold forecasts (clipped), final forecast, scores."""

    folds: list[np.ndarray]  # (test steps × 5 quantiles) per fold
    actuals: list[np.ndarray]
    histories: list[np.ndarray]
    final: np.ndarray
    mase: float  # backtest MASE, mean over folds
    native: bool
    season: int


def members_of(kept: dict[str, Any], season: int) -> dict[str, Member]:
    """The models that were tested and fitted on this series."""
    out = {}
    for key, entry in kept["models"].items():
        outcome = entry["folds"]
        if outcome is None or entry["final"] is None:
            continue
        tested = outcome.tested
        native = entry.get("native", key in CATALOG and CATALOG[key].native_intervals)
        folds = list(tested.forecasts)
        if not native:
            widths = backtest.conformal_widths(tested)
            folds = [backtest.widen(f, widths) for f in folds]
        folds = [
            backtest.clip_at_zero(f, h)
            for f, h in zip(folds, tested.histories, strict=True)
        ]
        final = entry["final"]
        if not native:
            final = backtest.widen(final, backtest.conformal_widths(tested))
        mase = _mase(tested.actuals, folds, tested.histories, season)
        out[key] = Member(
            folds,
            list(tested.actuals),
            list(tested.histories),
            backtest.clip_at_zero(final, kept["train"]),
            mase,
            native,
            season,
        )
    return out


def _mase(
    actuals: list[np.ndarray],
    folds: list[np.ndarray],
    histories: list[np.ndarray],
    season: int,
) -> float:
    """Backtest MASE, mean over folds."""
    return float(
        np.mean(
            [
                point_metrics(a, f[:, 2], h, season)["mase"]
                for a, f, h in zip(actuals, folds, histories, strict=True)
            ]
        )
    )


# A rule: members of one series → (fold forecasts, final forecast), each h × 5.
Rule = Callable[[dict[str, Member]], tuple[list[np.ndarray], np.ndarray] | None]


def single(key: str) -> Rule:
    """One model as it is."""

    def rule(members: dict[str, Member]) -> tuple[list[np.ndarray], np.ndarray] | None:
        m = members.get(key)
        return None if m is None else (m.folds, m.final)

    return rule


def combine(
    pool: list[str],
    how: str,
    shrink: float = 1.0,
    power: float = 1.0,
    top: int = 0,
    need: tuple[str, ...] = (),
) -> Rule:
    """A combination of the pool: mean, median, trimmed mean or weighted mean.

    Weights (``how == "weighted"``) are inverse backtest MASE to ``power``, shrunk
    toward equal weights by ``shrink`` (1: equal); ``top`` keeps the best few only.
    Quantiles are combined the same way as the points (quantile averaging). A series
    without every member of ``need`` gets no forecast from the rule.
    """

    def rule(members: dict[str, Member]) -> tuple[list[np.ndarray], np.ndarray] | None:
        if any(k not in members for k in need):
            return None
        chosen = [members[k] for k in pool if k in members]
        if len(chosen) < min(3, len(pool)):
            return None
        if top:
            chosen = sorted(chosen, key=lambda m: m.mase)[:top]
        if how == "median":
            return _fold_apply(chosen, lambda s: np.median(s, axis=0))
        if how == "trimmed":
            return _fold_apply(chosen, _trimmed)
        return weighted(chosen, shrink, power)

    return rule


def weighted(
    chosen: list[Member], shrink: float, power: float
) -> tuple[list[np.ndarray], np.ndarray]:
    """The app's weighted combination (weights from earlier folds only)."""
    tested = [
        backtest.ModelBacktest(
            str(i),
            str(i),
            0,
            per_series={None: backtest.SeriesBacktest(m.actuals, m.folds, m.histories)},
        )
        for i, m in enumerate(chosen)
    ]
    combined = backtest.ensemble("c", "c", tested, chosen[0].season, shrink, power)
    weights = np.array(combined.weights[None])
    final = np.tensordot(weights, np.stack([m.final for m in chosen]), axes=1)
    return combined.per_series[None].forecasts, final


def _trimmed(stack: np.ndarray) -> np.ndarray:
    ordered = np.sort(stack, axis=0)
    return ordered[1:-1].mean(axis=0) if len(stack) > 2 else ordered.mean(axis=0)


def _fold_apply(
    chosen: list[Member], how: Callable[[np.ndarray], np.ndarray]
) -> tuple[list[np.ndarray], np.ndarray]:
    folds = [
        how(np.stack([m.folds[i] for m in chosen])) for i in range(len(chosen[0].folds))
    ]
    return folds, how(np.stack([m.final for m in chosen]))


def current(members: dict[str, Member]) -> tuple[list[np.ndarray], np.ndarray] | None:
    """Today's automatic: the median of the four, unless one is 60% better."""
    auto = ["seasonal_naive", "drift", *STATS]
    med = combine(STATS, "median")(members)
    combined = None
    if med is not None:
        first = next(m for k, m in members.items() if k in STATS)
        combined = _conformal(med[0], med[1], first)
        c_mase = _mase(first.actuals, combined[0], first.histories, first.season)
    singles = {k: members[k] for k in auto if k in members}
    best = min(singles, key=lambda k: singles[k].mase) if singles else None
    if combined is None:
        return None if best is None else (singles[best].folds, singles[best].final)
    if best is not None and singles[best].mase <= 0.4 * c_mase:
        return singles[best].folds, singles[best].final
    return combined


def automatic(
    pool: Sequence[str] | None = None,
    margin: float | None = None,
    need: bool = False,
) -> RawRule:
    """The app's own choice (services code), on the kept runs of one series.

    ``pool`` is what the combination may average, compared with the app's other
    automatic candidates; None: as the app does it (the five statistical models, or,
    where ``benchmarks/global_model.py`` kept the global LightGBM, the app's
    candidates and pool for many series);
    ``margin`` overrides how much better a single model must be (None: the app's).
    Members' final forecasts are averaged as the app averages them
    (``final_forecast._combine``). With ``need``, a series without every member of
    the pool gets no forecast (None).
    """

    def rule(
        kept: dict[str, Any], season: int
    ) -> tuple[list[np.ndarray], np.ndarray] | None:
        many = GLOBAL in kept["models"]
        candidates, members = (
            (AUTOMATIC_MANY, COMBINED_MANY) if many else (AUTOMATIC, COMBINED)
        )
        if pool is not None:
            candidates, members = AUTOMATIC, list(pool)
        if need and any(
            kept["models"].get(k, {}).get("folds") is None for k in members
        ):
            return None
        keys = [k for k in [*candidates, *members] if k in kept["models"]]
        keys = list(dict.fromkeys(keys))
        outcomes = {
            None: {
                k: copy.deepcopy(kept["models"][k]["folds"])
                for k in keys
                if kept["models"][k]["folds"] is not None
            }
        }
        results = backtest.gather([(k, None) for k in keys], outcomes)
        for tested in results:
            backtest.score(tested, season)
        combined = selection.combination(results, "mase", season, members)
        if combined is not None:
            backtest.score(combined, season)
            results.append(combined)
        ok = [r for r in results if r.per_series]
        saved = selection.COMBINATION_MARGIN
        if margin is not None:
            selection.COMBINATION_MARGIN = margin
        try:
            chosen = selection.overall(ok, [None], "mase", combined, [])
        finally:
            selection.COMBINATION_MARGIN = saved
        assert chosen is not None
        plan = selection.Plan.of(chosen, None)
        finals = [np.asarray(kept["models"][k]["final"]) for k in plan.keys]
        final = final_forecast._combine(plan, finals)
        folds = chosen.per_series[None].forecasts
        return folds, backtest.clip_at_zero(final, kept["train"])

    return rule


RawRule = Callable[[dict[str, Any], int], tuple[list[np.ndarray], np.ndarray] | None]


def add_global(
    name: str, kept: dict[str, dict[str, Any]], groups: int | None = None
) -> int:
    """Add the kept global forecasts to each series as a member; how many got it.

    A series gets the member only when the global model forecast every fold its
    members were tested on (at the same cuts) and the final one.
    """
    found = global_model.load_global(name, groups)
    if found is None:
        return 0
    added = 0
    for sid, runs in kept.items():
        entry = found["series"].get(sid)
        plan = global_model.plan_of(runs)
        if entry is None or entry["final"] is None or not plan:
            continue
        if any(cut not in entry["folds"] for cut, _test in plan):
            continue
        values = runs["train"]
        tested = backtest.SeriesBacktest(
            [values[cut : cut + test] for cut, test in plan],
            [entry["folds"][cut] for cut, _test in plan],
            [values[:cut] for cut, _test in plan],
        )
        runs["models"][GLOBAL] = {
            "folds": backtest.Outcome(tested),
            "error": None,
            "final": entry["final"],
            "native": False,
        }
        added += 1
    return added


def _conformal(
    folds: list[np.ndarray], final: np.ndarray, ref: Member
) -> tuple[list[np.ndarray], np.ndarray]:
    """Point forecasts widened by the app's step-by-step conformal widths."""
    tested = backtest.SeriesBacktest(ref.actuals, folds, ref.histories)
    widths = backtest.conformal_widths(tested)
    return [backtest.widen(f, widths) for f in folds], backtest.widen(final, widths)


# Interval methods: (rule's folds, rule's final, a member for actuals) → final.
def native(folds: list[np.ndarray], final: np.ndarray, ref: Member) -> np.ndarray:
    """The combined quantiles as they are."""
    return final


def conformal(folds: list[np.ndarray], final: np.ndarray, ref: Member) -> np.ndarray:
    """Today's conformal widths for combinations (per step, over folds)."""
    return _conformal(folds, final, ref)[1]


def scaled(levels: tuple[float, float]) -> Interval:
    """The combined quantiles, stretched so the backtests are covered as promised."""

    def method(folds: list[np.ndarray], final: np.ndarray, ref: Member) -> np.ndarray:
        return backtest.calibrate(final, folds, ref.actuals, levels)

    return method


Interval = Callable[[list[np.ndarray], np.ndarray, Member], np.ndarray]


def score(
    kept: dict[str, Any],
    result: tuple[list[np.ndarray], np.ndarray],
    season: int,
) -> dict[str, float]:
    """MASE, sMAPE and the coverage of both ranges on the test part."""
    _folds, final = result
    test, train = kept["test"], kept["train"]
    final = np.sort(final, axis=1)
    scores = point_metrics(test, final[:, 2], train, season)
    return {
        "mase": scores["mase"],
        "smape": scores["smape"],
        "cover80": float(np.mean((final[:, 1] <= test) & (test <= final[:, 3]))),
        "cover95": float(np.mean((final[:, 0] <= test) & (test <= final[:, 4]))),
    }


def rules() -> dict[str, Rule]:
    """Every rule replayed: single models, plain combinations, candidates."""
    pool6 = [*STATS, "dynamic_theta", "auto_mfles"]
    pool5 = [*STATS, "dynamic_theta"]
    out: dict[str, Rule] = {k: single(k) for k in ["seasonal_naive", *pool6]}
    out["mean of the four"] = combine(STATS, "mean")
    out["median of the four"] = combine(STATS, "median")
    out["automatic today"] = current
    for name, pool in (("four", STATS), ("five", pool5), ("six", pool6)):
        out[f"trimmed mean of {name}"] = combine(pool, "trimmed")
        out[f"median of {name}"] = combine(pool, "median")
        out[f"mean of {name}"] = combine(pool, "mean")
        for shrink in (0.0, 0.25, 0.5):
            for power in (1.0, 2.0):
                out[f"weighted {name} s={shrink} p={power}"] = combine(
                    pool, "weighted", shrink, power
                )
        out[f"best 3 of {name}"] = combine(pool, "mean", top=3)
    # With the global LightGBM (series without it get none of these).
    g = (GLOBAL,)
    out["global_lightgbm"] = single(GLOBAL)
    out["mean of four + global"] = combine([*STATS, GLOBAL], "mean", need=g)
    out["median of four + global"] = combine([*STATS, GLOBAL], "median", need=g)
    out["mean of five + global"] = combine([*pool5, GLOBAL], "mean", need=g)
    out["mean of six + global"] = combine([*pool6, GLOBAL], "mean", need=g)
    for shrink in (0.0, 0.5):
        out[f"weighted five + global s={shrink} p=1.0"] = combine(
            [*pool5, GLOBAL], "weighted", shrink, need=g
        )
        out[f"weighted six + global s={shrink} p=1.0"] = combine(
            [*pool6, GLOBAL], "weighted", shrink, need=g
        )
    return out


def app_rules() -> dict[str, RawRule]:
    """The app's automatic (services code), with variants of its pool and margin."""
    pool5 = [*STATS, "dynamic_theta"]
    return {
        "automatic (app), four": automatic(STATS),
        "automatic (app), four, always the combination": automatic(STATS, 1.0),
        "automatic (app), five": automatic(pool5),
        "automatic (app), five, always the combination": automatic(pool5, 1.0),
        "automatic (app), six (five + AutoMFLES)": automatic([*pool5, "auto_mfles"]),
        "automatic (app), five + global": automatic([*pool5, GLOBAL], need=True),
        "automatic (app), five + global, always the combination": automatic(
            [*pool5, GLOBAL], 1.0, need=True
        ),
        "automatic (app), six + global": automatic(
            [*pool5, "auto_mfles", GLOBAL], need=True
        ),
    }


INTERVALS: dict[str, Interval] = {
    "native": native,
    "conformal": conformal,
    "scaled": scaled((0.8, 0.95)),
    "scaled 85/97": scaled((0.85, 0.97)),
    "scaled 82/96": scaled((0.82, 0.96)),
    "scaled 88/98": scaled((0.88, 0.98)),
}


def main() -> None:
    """Replay every rule on each set's kept runs; print Markdown tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", default=list(SETS))
    for name in parser.parse_args().sets:
        started = time.perf_counter()
        kept = load(name)
        with_global = add_global(name, kept)
        season = SETS[name].period
        table: dict[str, list[dict[str, float]]] = {}
        every = rules()
        apps = app_rules()
        if not with_global:  # no global forecasts kept: only the other rules
            every = {k: r for k, r in every.items() if "global" not in k}
            apps = {k: r for k, r in apps.items() if "global" not in k}
        for sid, runs in kept.items():
            members = members_of(runs, season)
            ref = next(iter(members.values()), None)
            if ref is None:
                continue
            for rname, raw in apps.items():
                result = raw(runs, season)
                if result is None:  # a series without the global member
                    continue
                table.setdefault(f"{rname} | app", []).append(
                    score(runs, result, season) | {"sid": sid}
                )
            for rname, rule in every.items():
                result = rule(members)
                if result is None:
                    continue
                for iname, method in INTERVALS.items():
                    final = method(result[0], result[1], ref)
                    table.setdefault(f"{rname} | {iname}", []).append(
                        score(runs, (result[0], final), season) | {"sid": sid}
                    )
        complete = set.intersection(
            *({r["sid"] for r in rows} for rows in table.values())
        )
        table = {
            k: [r for r in rows if r["sid"] in complete] for k, rows in table.items()
        }
        seconds = time.perf_counter() - started
        print(
            f"\n{name}: {len(kept)} kept, {with_global} with the global member, "
            f"{len(complete)} with every rule"
        )
        print(f"({seconds:.0f} s)")
        print("| rule | intervals | series | MASE | sMAPE | 80% | 95% |")
        print("|---|---|---|---|---|---|---|")
        for key, rows in table.items():
            mase = np.mean([r["mase"] for r in rows])
            smape = np.mean([r["smape"] for r in rows])
            c80 = np.mean([r["cover80"] for r in rows])
            c95 = np.mean([r["cover95"] for r in rows])
            rname, iname = key.split(" | ")
            print(
                f"| {rname} | {iname} | {len(rows)} | {mase:.4f} | {smape:.2f} | "
                f"{c80:.1%} | {c95:.1%} |"
            )


if __name__ == "__main__":
    main()
