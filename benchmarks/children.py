"""Measuring in a fresh process: a benchmark runs its own ``--child`` mode per case.

Each contender then starts from nothing (no warm caches, its own peak memory) and
answers with one JSON object, the last line it prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run_child(script: str, *args: str, data_dir: Path | None = None) -> Any:
    """``python <script> --child <args>`` from the checkout; the JSON it printed last.

    ``data_dir`` becomes the child's ``FORECAST_STUDIO_DATA_DIR`` when given.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if data_dir is not None:
        env["FORECAST_STUDIO_DATA_DIR"] = str(data_dir)
    out = subprocess.run(
        [sys.executable, script, "--child", *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
