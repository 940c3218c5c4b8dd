"""The MLflow model of a forecast: the chosen models' recipe, refitted on demand.

It is logged as an MLflow "model from code": this file plus the recipe as JSON
(``model_config``: columns, frequency, each series' model or ensemble members with
their parameters, conformal interval widths). Loading it runs this file of the app's
own code and reads JSON; nothing is unpickled, least of all anything a user uploaded.
Given a table like the one it was chosen on, ``predict`` refits and forecasts.
"""

from __future__ import annotations

from typing import Any

import mlflow
import pandas as pd
import polars as pl
from mlflow.pyfunc.model import PythonModel


class ForecastRecipe(PythonModel):
    """Refit the chosen model(s) on the given history and forecast the horizon."""

    def load_context(self, context: Any) -> None:
        """Read the recipe (JSON) the model was logged with."""
        self.recipe = dict(context.model_config)

    # MLflow reads the input's type hint as a schema: a pandas table is one it knows
    # to take as it comes (any other hint, or none, makes it warn at every logging).
    def predict(
        self, context: Any, model_input: pd.DataFrame, params: Any = None
    ) -> pd.DataFrame:
        """Forecast from ``model_input``, a pandas table of the history."""
        from services.final_forecast import refit

        return refit(pl.from_pandas(model_input), self.recipe).to_pandas()


mlflow.models.set_model(ForecastRecipe())
