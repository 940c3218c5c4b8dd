"""A tiny, randomly initialised Chronos-2 saved the way the real weights are shipped.

The real ``amazon/chronos-2`` weights cannot be downloaded here, so tests build this
stand-in with the ``chronos-forecasting`` package's own classes: a folder holding
``config.json`` and ``model.safetensors`` that the app loads with its real loading
code. Its forecasts are noise; only the plumbing is tested with it.

``tests/data/chronos2-tiny`` (the testing environment's ``CHRONOS_MODEL_DIR``) was made
with ``PYTHONPATH=. .venv/bin/python -m tests.chronos_tiny tests/data/chronos2-tiny``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The quantiles the real model's pipeline asks for at least (amazon/chronos-2 has 21).
QUANTILES = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]


def build_tiny_chronos2(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random Chronos-2 (context 128, 64 steps ahead) in ``folder``."""
    import torch
    from chronos.chronos2.config import Chronos2CoreConfig
    from chronos.chronos2.model import Chronos2Model

    torch.manual_seed(seed)
    config = Chronos2CoreConfig(
        # without it the loader picks the original (T5) Chronos pipeline
        chronos_pipeline_class="Chronos2Pipeline",
        d_model=32,
        d_kv=8,
        d_ff=64,
        num_layers=1,
        num_heads=4,
        chronos_config={
            "context_length": 128,
            "input_patch_size": 16,
            "input_patch_stride": 16,
            "output_patch_size": 16,
            "quantiles": QUANTILES,
            "use_reg_token": True,
            "use_arcsinh": True,
            "max_output_patches": 4,
            "time_encoding_scale": 128,
        },
    )
    Chronos2Model(config).save_pretrained(folder)
    return folder


if __name__ == "__main__":
    print(build_tiny_chronos2(Path(sys.argv[1])))
