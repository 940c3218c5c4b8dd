"""Planning on awkward business shapes: totals, overrides and scenarios.

Hierarchies, overrides and scenarios were proven on one tidy table; here they meet
the shapes real tables have: blank regions, a region named like a store, a store
under two regions, a region with one store, stores that start late, end early or
miss a month, month-end dates, names with spaces and accents, 0 and negative
overrides, integer and true/false drivers, drivers missing ahead. Each either works
(totals add up) or is refused with a sentence for people, never exception text.

Forecasts go the real way (a CSV stored as a dataset, profiled, the request
resolved, the forecast job run here in the test's process) with test-sized models
and one worker process.
"""

from __future__ import annotations

import calendar
import io
import math
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from pypdf import PdfReader

import config
from services import db, forecasts, hierarchy, hierarchy_shapes, jobs, scenarios
from services.errors import ConflictError, InvalidInputError, ServiceError
from services.forecast_request import ForecastRequest, resolve
from services.forecasts import run_forecast_job
from services.job_kinds import JobContext
from services.override_totals import incoherent_steps, totals_note
from services.overrides import OverrideChange, set_overrides
from services.profiling import Frequency
from services.reports import content
from services.reports.narrative import summarise
from services.reports.pdf import render_pdf
from tests.conftest import make_dataset
from tests.gauntlet import EXCEPTION_TEXT

NAIVE = [{"key": "naive"}, {"key": "seasonal_naive"}]
LIGHTGBM = [{"key": "lightgbm", "params": {"n_estimators": 20, "lags": 3}}]
METHODS = ["mint_shrink", "ols", "bottom_up", "top_down", "none"]


class _Quiet(JobContext):
    """A job run here, in the test's process, reporting nowhere."""

    def progress(self, fraction: float, message: str) -> None:
        pass


@pytest.fixture(autouse=True)
def one_process() -> Iterator[None]:
    """Series run in the test's own process: starting workers costs seconds."""
    config.settings.set("FORECAST_PROCESSES", 1)
    yield
    config.settings.set("FORECAST_PROCESSES", 0)


@pytest.fixture
def owner(make_account: Callable[..., Any]) -> int:
    return int(make_account().id)


def _months(count: int, start: int = 0, month_end: bool = False) -> list[date]:
    out = []
    for i in range(start, start + count):
        year, month = 2021 + i // 12, i % 12 + 1
        day = calendar.monthrange(year, month)[1] if month_end else 1
        out.append(date(year, month, day))
    return out


def _store(
    region: str | None,
    store: str | None,
    count: int = 24,
    start: int = 0,
    base: float = 100.0,
    month_end: bool = False,
) -> list[tuple[Any, ...]]:
    rng = np.random.default_rng(abs(hash((region, store, base))) % 1000)
    times = _months(count, start, month_end)
    return [
        (t, region, store, round(base + 2 * i + 8 * math.sin(i / 2) + rng.normal(), 1))
        for i, t in enumerate(times, start=start)
    ]


def _table(*stores: list[tuple[Any, ...]]) -> pl.DataFrame:
    rows = [row for store in stores for row in store]
    return pl.DataFrame(
        rows,
        schema={
            "month": pl.Date,
            "region": pl.String,
            "store": pl.String,
            "units": pl.Float64,
        },
        orient="row",
    )


def _stored(owner: int, folder: Path, table: pl.DataFrame, **asked: Any) -> str:
    """The table uploaded as a CSV, forecast by the forecast job; its forecast id."""
    folder.mkdir(exist_ok=True)
    path = folder / "table.csv"
    table.write_csv(path)
    (folder / "store").mkdir(exist_ok=True)
    dataset = make_dataset(owner, path, folder / "store")
    request = ForecastRequest.model_validate(
        {"horizon": 3, "folds": 1, "models": NAIVE, **asked}
    )
    resolved = resolve(owner, dataset.id, request)
    return run_forecast_job(
        _Quiet(db.new_id(), owner, resolved.model_dump(mode="json"))
    )


def _assert_adds_up(points: pl.DataFrame, columns: list[str]) -> None:
    """Every total equals the sum of its parts at every step (final values)."""
    levels = dict(points.select("series", "hierarchy_level").unique().iter_rows())
    above = hierarchy_shapes.parents(list(levels), levels, columns)
    links = pl.DataFrame({"series": list(above), "parent": list(above.values())})
    parts = (
        points.join(links, on="series")
        .group_by("parent", "time")
        .agg(pl.col("forecast").sum().alias("parts"))
    )
    joined = points.join(parts, left_on=["series", "time"], right_on=["parent", "time"])
    assert (
        joined.height == points.filter(pl.col("series").is_in(links["parent"])).height
    )
    assert np.allclose(joined["forecast"], joined["parts"], rtol=1e-6, atol=1e-6)


def _plain(error: ServiceError) -> str:
    assert not EXCEPTION_TEXT.search(error.message), error.message
    assert error.message.endswith(".") and len(error.message) < 600
    return error.message


# --- Totals that add up -------------------------------------------------------------

SHAPES: dict[str, pl.DataFrame] = {
    "a blank region": _table(
        _store(None, "N1"), _store("North", "N2", base=150), _store("South", "S1")
    ),
    "a region named like a store": _table(
        _store("North", "North"),
        _store("North", "N2", base=150),
        _store("South", "North", base=60),
    ),
    "a store under two regions": _table(
        _store("North", "S1"), _store("North", "N2", base=150), _store("South", "S1")
    ),
    "a region with one store, one starting late": _table(
        _store("North", "N1"),
        _store("North", "N2", count=12, start=12, base=150),
        _store("South", "S1", base=60),
    ),
    "month-end dates": _table(
        _store("North", "N1", month_end=True),
        _store("North", "N2", base=150, month_end=True),
        _store("South", "S1", base=60, month_end=True),
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_awkward_hierarchies_are_forecast_with_totals_that_add_up(
    owner: int, tmp_path: Path, shape: str
) -> None:
    table = SHAPES[shape]
    forecast_id = _stored(
        owner, tmp_path, table, target="units", hierarchy=["region", "store"]
    )
    points = forecasts.forecast_points(owner, forecast_id)
    stores = table.select("region", "store").unique().height
    regions = table["region"].n_unique()
    assert points.height == 3 * (1 + regions + stores)
    _assert_adds_up(points, ["region", "store"])
    last = table["month"].max()
    assert points["time"].min() > last  # every level continues after the history
    if shape == "a blank region":
        assert {"(blank)", "(blank) / N1"} <= set(points["series"])
    if shape == "month-end dates":
        assert all(t.day > 27 for t in points["time"])


def test_a_missing_month_leaves_the_totals_unknown_not_low() -> None:
    # North / N1 misses 2022-05; the totals that month are not North / N2 alone.
    gap = date(2022, 5, 1)
    north = [row for row in _store("North", "N1") if row[0] != gap]
    table = _table(north, _store("North", "N2", base=150), _store("South", "S1"))
    levels = hierarchy.aggregate(table, "month", "units", ["region", "store"])
    at_gap = levels.frame.filter(pl.col("month") == gap)
    values = dict(zip(at_gap[hierarchy.LABEL], at_gap["units"], strict=True))
    assert values["Total"] is None and values["North"] is None
    assert values["South"] is not None and values["North / N2"] is not None
    result = hierarchy.forecast_levels(
        table,
        "month",
        "units",
        ["region", "store"],
        horizon=3,
        frequency=Frequency(unit="month", step=1),
        models=NAIVE,
        folds=1,
    )
    assert any(n.startswith("In Total, 1 month without a value") for n in result.notes)
    _assert_adds_up(result.points, ["region", "store"])


@pytest.mark.parametrize("method", METHODS)
def test_each_reconciliation_on_an_awkward_shape(method: str) -> None:
    table = SHAPES["a region with one store, one starting late"]
    result = hierarchy.forecast_levels(
        table,
        "month",
        "units",
        ["region", "store"],
        method,  # type: ignore[arg-type]
        horizon=3,
        frequency=Frequency(unit="month", step=1),
        models=NAIVE,
        folds=2,
    )
    points = result.points
    assert points["forecast"].is_finite().all()
    if method != "none":
        _assert_adds_up(points, ["region", "store"])
    # A region of one store is that store, whatever the method.
    south = points.filter(pl.col("series") == "South")["forecast"]
    store = points.filter(pl.col("series") == "South / S1")["forecast"]
    assert np.allclose(south, store)


REFUSED = {
    "a store that ends early": (
        _table(
            _store("North", "N1"),
            _store("North", "N2", count=12, base=150),
            _store("South", "S1"),
        ),
        "North / N2 (last value 2021-12-01)",
    ),
    "a very short store": (
        _table(
            _store("North", "N1"),
            _store("North", "N2", count=2, start=22, base=150),
            _store("South", "S1"),
        ),
        "North / N2",
    ),
    "names that join alike": (
        _table(_store("A / B", "C"), _store("A", "B / C", base=150)),
        "“A / B / C”",
    ),
    "a region named like a region and store": (
        _table(_store("A", "B"), _store("A / B", "C", base=150)),
        "“A / B”",
    ),
}


@pytest.mark.parametrize("shape", list(REFUSED))
def test_hierarchies_that_cannot_add_up_say_why(shape: str) -> None:
    table, named = REFUSED[shape]
    with pytest.raises(InvalidInputError) as refused:
        hierarchy.forecast_levels(
            table,
            "month",
            "units",
            ["region", "store"],
            horizon=3,
            frequency=Frequency(unit="month", step=1),
            models=NAIVE,
            folds=1,
        )
    assert refused.value.code in ("hierarchy_incomplete", "invalid_hierarchy")
    assert named in _plain(refused.value)


# --- Overrides ----------------------------------------------------------------------

ACCENTED = _table(
    _store("Nord", "Zürich Hbf", month_end=True),
    _store("Nord", "Bern  2", base=150, month_end=True),
    _store("Süd", "São Paulo", base=60, month_end=True),
)


@pytest.fixture
def totals_forecast(owner: int, tmp_path: Path) -> str:
    return _stored(
        owner, tmp_path, ACCENTED, target="units", hierarchy=["region", "store"]
    )


def _point(owner: int, forecast_id: str, series: str, day: date) -> dict[str, Any]:
    points = forecasts.forecast_points(owner, forecast_id)
    return points.filter((pl.col("series") == series) & (pl.col("time") == day)).row(
        0, named=True
    )


def test_overrides_name_steps_as_dates_or_datetimes_on_month_ends(
    owner: int, totals_forecast: str
) -> None:
    first = date(2023, 1, 31)
    zurich = "Nord / Zürich Hbf"
    set_overrides(
        owner, totals_forecast, [OverrideChange(zurich, "2023-01-31", 0.0, "closed")]
    )
    row = _point(owner, totals_forecast, zurich, first)
    assert row["forecast"] == 0.0 and row["statistical_forecast"] > 0
    assert row["lower_80"] < 0  # the range moves with the value, as documented
    # The same step as a datetime, at midnight UTC, replaces it.
    for text in ("2023-01-31T00:00:00", "2023-01-31 00:00", "2023-01-31T00:00:00Z"):
        set_overrides(
            owner, totals_forecast, [OverrideChange(zurich, text, -5.0, "returns")]
        )
        assert _point(owner, totals_forecast, zurich, first)["forecast"] == -5.0
    # Both forms in one request are the same step, changed twice.
    with pytest.raises(InvalidInputError, match="twice"):
        set_overrides(
            owner,
            totals_forecast,
            [
                OverrideChange(zurich, "2023-01-31", 1.0, "a"),
                OverrideChange(zurich, "2023-01-31T00:00", 2.0, "b"),
            ],
        )
    for wrong in ("2023-01-01", "2023-01-30", "31.01.2023", "2023-02-31"):
        with pytest.raises(InvalidInputError) as refused:
            set_overrides(
                owner, totals_forecast, [OverrideChange(zurich, wrong, 1.0, "x")]
            )
        assert refused.value.code == "unknown_step"
        _plain(refused.value)


def test_overrides_refuse_what_is_not_a_number_or_not_a_series(
    owner: int, totals_forecast: str
) -> None:
    sao = "Süd / São Paulo"
    for value in (math.nan, math.inf, -math.inf):
        with pytest.raises(InvalidInputError) as refused:
            set_overrides(
                owner, totals_forecast, [OverrideChange(sao, "2023-01-31", value, "x")]
            )
        assert "finite number" in _plain(refused.value)
    for series in ("Süd / Sao Paulo", "São Paulo", "süd / são paulo", None):
        with pytest.raises(InvalidInputError) as refused:
            set_overrides(
                owner, totals_forecast, [OverrideChange(series, "2023-01-31", 1.0, "x")]
            )
        assert refused.value.code == "unknown_series"
        _plain(refused.value)
    # Spaces inside a name are part of it ("Bern  2" has two).
    set_overrides(
        owner,
        totals_forecast,
        [OverrideChange("Nord / Bern  2", "2023-02-28", 7.0, "x")],
    )
    assert (
        _point(owner, totals_forecast, "Nord / Bern  2", date(2023, 2, 28))["forecast"]
        == 7.0
    )


def test_an_overridden_total_is_kept_and_the_notes_say_the_totals_differ(
    owner: int, totals_forecast: str
) -> None:
    points = forecasts.forecast_points(owner, totals_forecast)
    assert totals_note(points, ["region", "store"]) is None
    total = _point(owner, totals_forecast, "Total", date(2023, 1, 31))
    set_overrides(
        owner,
        totals_forecast,
        [
            OverrideChange(
                "Total", "2023-01-31", total["forecast"] + 100, "new contract"
            )
        ],
    )
    points = forecasts.forecast_points(owner, totals_forecast)
    wrong = incoherent_steps(points, ["region", "store"])
    assert wrong["series"].to_list() == ["Total"]
    assert wrong["time"].to_list() == [date(2023, 1, 31)]
    note = totals_note(points, ["region", "store"])
    assert note and "Total at 2023-01-31" in note and "not spread" in note
    # Overriding a part by the same amount makes them add up again.
    nord = _point(owner, totals_forecast, "Nord", date(2023, 1, 31))
    zurich = _point(owner, totals_forecast, "Nord / Zürich Hbf", date(2023, 1, 31))
    set_overrides(
        owner,
        totals_forecast,
        [
            OverrideChange("Nord", "2023-01-31", nord["forecast"] + 100, "contract"),
            OverrideChange(
                "Nord / Zürich Hbf", "2023-01-31", zurich["forecast"] + 100, "contract"
            ),
        ],
    )
    points = forecasts.forecast_points(owner, totals_forecast)
    assert totals_note(points, ["region", "store"]) is None
    _assert_adds_up(points, ["region", "store"])


def test_the_report_says_which_totals_an_override_left_unequal(
    owner: int, totals_forecast: str
) -> None:
    assert content.collect(owner, totals_forecast, decompose=False).notes == []
    total = _point(owner, totals_forecast, "Total", date(2023, 2, 28))
    set_overrides(
        owner,
        totals_forecast,
        [OverrideChange("Total", "2023-02-28", total["forecast"] + 50, "contract")],
    )
    data = content.collect(owner, totals_forecast, decompose=False)
    [note] = data.notes
    assert "Total at 2023-02-28" in note and "no longer equal" in note
    assert note in summarise(data).caveats  # the summary's caveats (Export page)
    # The PDF lists the notes of the run (without charts: the words are checked).
    pdf = PdfReader(io.BytesIO(render_pdf(data, {}).pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Total at 2023-02-28" in text


def test_many_overrides_at_once_all_or_none(owner: int, totals_forecast: str) -> None:
    points = forecasts.forecast_points(owner, totals_forecast)
    changes = [
        OverrideChange(r["series"], r["time"].isoformat(), r["forecast"] * 1.1, "plan")
        for r in points.iter_rows(named=True)
    ]
    bad = OverrideChange("Total", "2030-01-31", 1.0, "plan")
    with pytest.raises(InvalidInputError):
        set_overrides(owner, totals_forecast, [*changes, bad])
    untouched = forecasts.forecast_points(owner, totals_forecast)
    assert untouched["override_reason"].is_null().all()
    assert set_overrides(owner, totals_forecast, changes) == points.height
    moved = forecasts.forecast_points(owner, totals_forecast)
    assert np.allclose(moved["forecast"], points["forecast"] * 1.1)
    # +10% everywhere still adds up.
    assert totals_note(moved, ["region", "store"]) is None


# --- Scenarios ----------------------------------------------------------------------


def _promotions(missing_ahead: bool = False) -> pl.DataFrame:
    """Two stores, month-end dates, 36 months and 3 planned: promotions as counts
    (integers) and a holiday flag (true/false); sales rise with promotions."""
    rng = np.random.default_rng(11)
    rows = []
    for store, base in (("Zürich Hbf", 200.0), ("Bern 2", 120.0)):
        for i, month in enumerate(_months(39, month_end=True)):
            promo = int(rng.integers(0, 3))
            holiday = month.month == 12
            sales = base + i + 40 * promo + 30 * holiday + rng.normal(0, 2)
            rows.append(
                (month, store, promo, holiday, round(sales, 1) if i < 36 else None)
            )
    table = pl.DataFrame(
        rows,
        schema={
            "month": pl.Date,
            "store": pl.String,
            "promo": pl.Int64,
            "holiday": pl.Boolean,
            "sales": pl.Float64,
        },
        orient="row",
    )
    if missing_ahead:  # Bern's last planned promotion is not known yet
        last = table["month"].max()
        table = table.with_columns(
            pl.when((pl.col("store") == "Bern 2") & (pl.col("month") == last))
            .then(None)
            .otherwise(pl.col("promo"))
            .alias("promo")
        )
    return table


def _scenario(owner: int, baseline: str, drivers: dict[str, Any]) -> str:
    job = scenarios.create_scenario(owner, baseline, "What if", drivers)
    assert jobs.get_job(owner, job.id).kind == "scenario"
    return scenarios.run_scenario_job(_Quiet(job.id, owner, job.params))


@pytest.fixture(scope="module")
def driver_owner(database: None) -> int:
    """One account for the scenarios of one baseline (scenarios never change it)."""
    import uuid

    from services import users

    return int(users.create_user(f"user-{uuid.uuid4().hex[:10]}", "pass word 1").id)


@pytest.fixture(scope="module")
def driver_forecast(driver_owner: int, tmp_path_factory: pytest.TempPathFactory) -> str:
    config.settings.set("FORECAST_PROCESSES", 1)
    return _stored(
        driver_owner,
        tmp_path_factory.mktemp("drivers"),
        _promotions(),
        target="sales",
        models=LIGHTGBM,
        drivers=["promo", "holiday"],
    )


def test_integer_and_true_false_drivers_on_month_ends(
    driver_owner: int, driver_forecast: str
) -> None:
    owner = driver_owner
    future = scenarios.future_drivers(owner, driver_forecast)
    assert future.height == 6 and future["promo"].null_count() == 0
    same = {
        column: [
            {"series": r["series"], "time": r["time"].isoformat(), "value": r[column]}
            for r in future.iter_rows(named=True)
        ]
        for column in ("promo", "holiday")
    }
    unchanged = _scenario(owner, driver_forecast, same)
    assert scenarios.comparison(owner, unchanged)["difference"].abs().max() < 1e-6
    more = _scenario(
        owner,
        driver_forecast,
        {
            "promo": [{"time": "2024-01-31", "value": 2.5}],
            "holiday": [
                {"series": "Bern 2", "time": "2024-02-29T00:00:00", "value": 1}
            ],
        },
    )
    compared = scenarios.comparison(owner, more)
    assert compared.height == 6
    changed = compared.filter(pl.col("difference").abs() > 1e-9)
    assert changed.height >= 1 and changed["time"].min() >= date(2024, 1, 31)
    # 2.5 promotions stay 2.5 (not cut to 2) for the models.
    info = forecasts.get_forecast(owner, driver_forecast)
    table = _promotions()
    edited = scenarios.with_changes(
        table,
        info,
        [
            {
                "column": "promo",
                "series": "Bern 2",
                "time": "2024-01-31T00:00:00",
                "value": 2.5,
            }
        ],
    )
    value = edited.filter(
        (pl.col("store") == "Bern 2") & (pl.col("month") == date(2024, 1, 31))
    )["promo"].item()
    assert value == 2.5


@pytest.mark.parametrize(
    ("drivers", "code", "words"),
    [
        (
            {"promo": [{"series": "Basel", "time": "2024-01-31", "value": 1}]},
            "unknown_series",
            "Basel",
        ),
        (
            {"promo": [{"time": "2024-04-30", "value": 1}]},
            "invalid_scenario",
            "not a step",
        ),
        (
            {"promo": [{"time": "2023-12-31", "value": 1}]},
            "invalid_scenario",
            "not a step",
        ),
        (
            {"promo": [{"time": "2024-01-01", "value": 1}]},
            "invalid_scenario",
            "not a step",
        ),
        (
            {"promo": [{"time": "31.01.2024", "value": 1}]},
            "invalid_scenario",
            "not a date",
        ),
        (
            {"price": [{"time": "2024-01-31", "value": 1}]},
            "invalid_scenario",
            "not a driver",
        ),
        (
            {"promo": [{"time": "2024-01-31", "value": math.inf}]},
            "invalid_scenario",
            "finite",
        ),
    ],
)
def test_scenarios_that_do_not_fit_say_why(
    driver_owner: int,
    driver_forecast: str,
    drivers: dict[str, Any],
    code: str,
    words: str,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        scenarios.create_scenario(driver_owner, driver_forecast, "Nope", drivers)
    assert refused.value.code == code
    assert words in _plain(refused.value)


def test_a_driver_missing_ahead_cannot_make_a_scenario(
    owner: int, tmp_path: Path
) -> None:
    baseline = _stored(
        owner,
        tmp_path,
        _promotions(missing_ahead=True),
        target="sales",
        models=LIGHTGBM,
        drivers=["promo"],
    )
    with pytest.raises(InvalidInputError) as refused:
        scenarios.create_scenario(
            owner,
            baseline,
            "More promotions",
            {"promo": [{"series": "Zürich Hbf", "time": "2024-01-31", "value": 2}]},
        )
    message = _plain(refused.value)
    assert "only its past" in message and "Bern 2" in message


def test_a_forecast_with_totals_refuses_scenarios_plainly(
    owner: int, totals_forecast: str
) -> None:
    with pytest.raises(ConflictError) as refused:
        scenarios.create_scenario(
            owner, totals_forecast, "x", {"units": [{"time": "2023-01-31", "value": 1}]}
        )
    _plain(refused.value)


def test_a_forecast_that_never_added_up_is_told_only_what_overrides_moved() -> None:
    # Made with reconciliation "none": Total (110) is not North (50) to begin with.
    day = date(2024, 1, 1)
    points = pl.DataFrame(
        {
            "series": ["Total", "North", "North / N1"],
            "time": [day] * 3,
            "forecast": [110.0, 50.0, 70.0],
            "statistical_forecast": [110.0, 50.0, 50.0],
            "override_reason": [None, None, "new contract"],
            "hierarchy_level": ["total", "region", "store"],
        }
    )
    wrong = incoherent_steps(points, ["region", "store"])
    assert wrong["series"].to_list() == ["North"]
    note = totals_note(points, ["region", "store"])
    assert note and "North at 2024-01-01" in note and "Total at" not in note
    assert totals_note(points, None) is None


@pytest.mark.parametrize(
    "columns", [["store"], ["region", "store"], ["country", "region", "store"]]
)
def test_one_two_or_three_levels_add_up(columns: list[str]) -> None:
    table = SHAPES["a store under two regions"].with_columns(
        pl.when(pl.col("region") == "North")
        .then(pl.lit("Deutschland"))
        .otherwise(pl.lit("Österreich"))
        .alias("country"),
    )
    if columns == ["store"]:  # S1 of both regions is one store here: summed
        table = table.group_by("month", "store").agg(pl.col("units").sum())
    result = hierarchy.forecast_levels(
        table,
        "month",
        "units",
        columns,
        horizon=3,
        frequency=Frequency(unit="month", step=1),
        models=NAIVE,
        folds=1,
    )
    levels = result.points["hierarchy_level"].unique(maintain_order=True).to_list()
    assert levels == ["total", *columns]
    _assert_adds_up(result.points, columns)


def test_a_value_written_blank_beside_an_empty_one_is_refused_plainly() -> None:
    table = _table(_store(None, "N1"), _store("(blank)", "N1", base=150))
    with pytest.raises(InvalidInputError) as refused:
        hierarchy.aggregate(table, "month", "units", ["region", "store"])
    assert "empty values, which are named “(blank)”" in _plain(refused.value)
