"""Deep learning: N-BEATS, TSMixer and TiDE, global across series, sized for a CPU.

Each network forecasts the whole horizon at once with quantile outputs (native
intervals), learns from every series at once, normalises each input window (so series
of any scale share one network), takes the user's drivers where the architecture can,
and calendar features when the data has a season. Defaults are small: a few dozen
epochs at most, early stopping on a validation split, and a time budget per fit.
"""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel, Field

from services.models.base import QUANTILES, Context, ModelSpec

# The calendar attribute that carries each season length (cyclic sine/cosine).
CALENDAR = {
    12: "month",
    4: "quarter",
    7: "dayofweek",
    5: "dayofweek",
    24: "hour",
    52: "weekofyear",
}


class DeepParams(BaseModel):
    """Training settings shared by the networks."""

    input_length: int | None = Field(
        None,
        ge=1,
        le=2000,
        description="Past values the network looks at (default: two seasons, or "
        "the horizon when that is longer).",
    )
    epochs: int = Field(
        30,
        ge=1,
        le=1000,
        description="Most passes over the training windows; training stops earlier "
        "when the validation error stops improving.",
    )
    patience: int = Field(
        4,
        ge=1,
        le=100,
        description="Epochs without a better validation error before training stops.",
    )
    batch_size: int = Field(64, ge=4, le=4096, description="Windows per update.")
    learning_rate: float = Field(1e-3, gt=0, le=1, description="Adam's step size.")
    windows_per_series: int = Field(
        64,
        ge=1,
        le=100_000,
        description="The most recent training windows taken from each series.",
    )
    time_budget_s: float = Field(
        60,
        gt=0,
        le=7200,
        description="Seconds one training may take before it stops where it is.",
    )
    seed: int = Field(42, ge=0, description="Seed: the same data gives the same net.")


class NBeatsParams(DeepParams):
    """N-BEATS: stacks of fully connected blocks."""

    interpretable: bool = Field(
        False,
        description="A trend stack and a seasonality stack whose parts can be read, "
        "instead of generic stacks.",
    )
    stacks: int = Field(4, ge=1, le=60, description="Generic stacks.")
    blocks: int = Field(1, ge=1, le=10, description="Blocks per stack.")
    layers: int = Field(2, ge=1, le=10, description="Layers per block.")
    width: int = Field(64, ge=4, le=2048, description="Neurons per layer.")


class TsMixerParams(DeepParams):
    """TSMixer: mixing along time and along features."""

    hidden_size: int = Field(32, ge=4, le=2048, description="Feature width.")
    ff_size: int = Field(32, ge=4, le=2048, description="Feed-forward width.")
    blocks: int = Field(2, ge=1, le=16, description="Mixer blocks.")
    dropout: float = Field(0.1, ge=0, lt=1)


class TideParams(DeepParams):
    """TiDE: a dense encoder and decoder."""

    hidden_size: int = Field(64, ge=4, le=2048, description="Encoder/decoder width.")
    encoder_layers: int = Field(1, ge=1, le=8)
    decoder_layers: int = Field(1, ge=1, le=8)
    decoder_output_dim: int = Field(8, ge=1, le=256)
    temporal_decoder_hidden: int = Field(16, ge=1, le=512)
    dropout: float = Field(0.1, ge=0, lt=1)


def _chunks(params: DeepParams, context: Context) -> tuple[int, int]:
    """Input and output lengths (output: the whole horizon at once).

    One series must hold a training window. With several, the shortest does not
    limit the others: series too short to train on are still forecast, read as if
    they had stood still before they began.
    """
    horizon = max(1, context.horizon)
    # Short, so that most series hold training windows: on M1 monthly (h = 18),
    # 24 past values gave TSMixer MASE 1.12 where 36 gave 1.33.
    wanted = params.input_length or max(2 * context.season, horizon, 4)
    if context.series_count > 1 or not context.length:
        return wanted, horizon
    room = context.length - horizon
    if room < 1:
        raise ValueError(
            f"{context.length} points are too few to train a network that "
            f"forecasts {horizon} steps."
        )
    return min(wanted, room), horizon


def _common(
    params: DeepParams, context: Context, name: str, future: bool
) -> dict[str, Any]:
    from darts.utils.likelihood_models import QuantileRegression

    from services.models import neural

    icl, ocl = _chunks(params, context)
    kwargs: dict[str, Any] = {
        "input_chunk_length": icl,
        "output_chunk_length": ocl,
        "likelihood": QuantileRegression(QUANTILES),
        "batch_size": params.batch_size,
        "n_epochs": params.epochs,
        "optimizer_kwargs": {"lr": params.learning_rate},
        "use_reversible_instance_norm": True,
        "random_state": params.seed,
        "pl_trainer_kwargs": neural.trainer_kwargs(params.epochs, params.time_budget_s),
    }
    calendar = CALENDAR.get(context.season)
    if future and calendar:
        kwargs["add_encoders"] = {"cyclic": {"future": [calendar]}}
    plan = neural.TrainingPlan(
        name, params.patience, params.windows_per_series, context.say
    )
    return {"plan": plan, **kwargs}


def _nbeats(params: BaseModel, context: Context) -> Any:
    from services.models import neural

    p = cast(NBeatsParams, params)
    kwargs = _common(p, context, "N-BEATS", future=False)
    return neural.build(
        "nbeats",
        generic_architecture=not p.interpretable,
        num_stacks=p.stacks,
        num_blocks=p.blocks,
        num_layers=p.layers,
        layer_widths=p.width,
        **kwargs,
    )


def _tsmixer(params: BaseModel, context: Context) -> Any:
    from services.models import neural

    p = cast(TsMixerParams, params)
    return neural.build(
        "tsmixer",
        hidden_size=p.hidden_size,
        ff_size=p.ff_size,
        num_blocks=p.blocks,
        dropout=p.dropout,
        **_common(p, context, "TSMixer", future=True),
    )


def _tide(params: BaseModel, context: Context) -> Any:
    from services.models import neural

    p = cast(TideParams, params)
    return neural.build(
        "tide",
        hidden_size=p.hidden_size,
        num_encoder_layers=p.encoder_layers,
        num_decoder_layers=p.decoder_layers,
        decoder_output_dim=p.decoder_output_dim,
        temporal_decoder_hidden=p.temporal_decoder_hidden,
        dropout=p.dropout,
        **_common(p, context, "TiDE", future=True),
    )


DEEP_LEARNING = (
    ModelSpec(
        "nbeats",
        "N-BEATS",
        "deep learning",
        "A neural network of stacked blocks that learns trend and season from all "
        "series at once; can split its forecast into readable trend and seasonality.",
        _nbeats,
        NBeatsParams,
        multi_series=True,
        covariates=True,
        min_history=30,
        complexity=7,
        tags=["neural", "global"],
    ),
    ModelSpec(
        "tsmixer",
        "TSMixer",
        "deep learning",
        "A neural network that mixes information across time and across drivers, "
        "trained on all series at once.",
        _tsmixer,
        TsMixerParams,
        multi_series=True,
        covariates=True,
        min_history=30,
        complexity=7,
        tags=["neural", "global"],
    ),
    ModelSpec(
        "tide",
        "TiDE",
        "deep learning",
        "A dense encoder-decoder network that uses past values, the calendar and "
        "known future drivers, trained on all series at once.",
        _tide,
        TideParams,
        multi_series=True,
        covariates=True,
        min_history=30,
        complexity=7,
        tags=["neural", "global"],
    ),
)
