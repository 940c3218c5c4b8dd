"""The gauntlet's full matrix: every calendar, length, series count and value pattern.

Each table goes along the whole service path (tests/gauntlet.py) with every fast model;
the deep models and Chronos-2 (the tiny test model) run on one table of each calendar.
Prints two Markdown tables of shapes × models, each cell "ok" or the reason a model
gave, for benchmarks/README.md, and checks the gauntlet's properties on every table.

    PYTHONPATH=. .venv/bin/python benchmarks/gauntlet.py
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from tests.gauntlet import (
    CALENDARS,
    EXCEPTION_TEXT,
    FAST_MODELS,
    LENGTHS,
    PATTERNS,
    Outcome,
    Table,
    run,
)

SLOW_MODELS = [
    {"key": "auto_mfles"},
    {"key": "nbeats", "params": {"epochs": 5}},
    {"key": "tsmixer", "params": {"epochs": 5}},
    {"key": "tide", "params": {"epochs": 5}},
    {"key": "chronos2"},
]


def _cell(row: dict[str, Any]) -> str:
    """A leaderboard row in a few words: ok, or why not."""
    if row.get("error"):
        text = str(row["error"])
        if text.startswith("Needs at least"):
            return "needs " + text.split("least ")[1].split(" points")[0] + " points"
        if text.startswith("Not tested"):
            return "not tested (too short)"
        return text.rstrip(".")
    if row.get("note"):
        return "ok, failed on some series"
    return "ok"


def _summarise(cells: list[str]) -> str:
    counts = Counter(cells)
    if set(counts) == {"ok"}:
        return "ok"
    return "; ".join(
        f"{c} ×{n}" if len(counts) > 1 else c for c, n in counts.most_common()
    )


def _check(table: Table, outcome: Outcome) -> list[str]:
    """The gauntlet's properties, as a list of what broke (empty: all hold)."""
    broken = []
    if outcome.refusal is not None:
        if max(table.lengths()) >= 4:
            broken.append(f"refused: {outcome.refusal}")
        return broken
    result = outcome.result
    assert result is not None
    texts = [
        *(str(r.get("error") or "") for r in result.leaderboard),
        *(str(r.get("note") or "") for r in result.leaderboard),
        *result.notes,
        *outcome.words,
    ]
    broken += [f"exception text: {t}" for t in texts if EXCEPTION_TEXT.search(t)]
    points = result.points
    if (
        not (points["lower_95"] <= points["forecast"]).all()
        or not (points["forecast"] <= points["upper_95"]).all()
    ):
        broken.append("a range does not hold its value")
    return broken


def main() -> None:
    if "CHRONOS_MODEL_DIR" not in os.environ and not os.environ.get(
        "FORECAST_STUDIO_CHRONOS_MODEL_DIR"
    ):
        from tests.chronos_tiny import build_tiny_chronos2

        folder = Path("/tmp/gauntlet-chronos2")
        if not (folder / "config.json").exists():
            build_tiny_chronos2(folder)
        os.environ["FORECAST_STUDIO_CHRONOS_MODEL_DIR"] = str(folder)
    by_calendar: dict[tuple[str, int], dict[str, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    by_pattern: dict[tuple[str, int], dict[str, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    slow: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    started = time.perf_counter()
    tables = [
        Table(calendar, length, series, pattern)
        for calendar, length, pattern in itertools.product(CALENDARS, LENGTHS, PATTERNS)
        for series in (1, 3)
    ]
    for number, table in enumerate(tables, 1):
        first_of_calendar = (
            table.length == 60 and table.pattern == "trend" and table.series == 3
        )
        models = FAST_MODELS + (SLOW_MODELS if first_of_calendar else [])
        outcome = run(table, 3, models)
        problems += [f"{table.name}: {p}" for p in _check(table, outcome)]
        if outcome.refusal is not None:
            cells = {m["key"]: "table refused (too short)" for m in models}
        else:
            assert outcome.result is not None
            cells = {r["model"]: _cell(r) for r in outcome.result.leaderboard}
        for key, cell in cells.items():
            by_calendar[(table.calendar.name, table.length)][key].append(cell)
            by_pattern[(table.pattern, table.length)][key].append(cell)
        if first_of_calendar:
            slow[table.calendar.name] = {
                m["key"]: cells.get(m["key"], "missing") for m in SLOW_MODELS
            }
        print(
            f"{number}/{len(tables)} {table.name}: "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
    keys = [m["key"] for m in FAST_MODELS]
    for title, rows in (("calendar", by_calendar), ("values", by_pattern)):
        print(f"\n| {title} | points | " + " | ".join(keys) + " |")
        print("|---|---|" + "---|" * len(keys))
        for length in LENGTHS:
            shown = {
                name: [_summarise(cells.get(k, ["missing"])) for k in keys]
                for (name, size), cells in rows.items()
                if size == length
            }
            if len({tuple(c) for c in shown.values()}) == 1:  # the same for all
                shown = {f"every {title}": next(iter(shown.values()))}
            for name, cells_shown in shown.items():
                print(f"| {name} | {length} | " + " | ".join(cells_shown) + " |")
    slow_keys = [m["key"] for m in SLOW_MODELS]
    print("\n| calendar (60 points, 3 series) | " + " | ".join(slow_keys) + " |")
    print("|---|" + "---|" * len(slow_keys))
    for name, cells in slow.items():
        print(f"| {name} | " + " | ".join(cells[k] for k in slow_keys) + " |")
    print(
        f"\n{len(tables)} tables in {time.perf_counter() - started:.0f} s; "
        f"{len(problems)} broke a property"
    )
    for problem in problems:
        print(" -", problem)


if __name__ == "__main__":
    main()
