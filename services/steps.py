"""Which steps of the workflow are done for one of the user's datasets.

The step bar marks them, so that a person coming back sees where they stopped. Every
answer comes from the database: the dataset, its versions, its forecasts and the
jobs run on it.
"""

from __future__ import annotations

from sqlalchemy import select

from services import db
from services.datasets import owned_dataset
from services.jobs import list_jobs

# The steps in the order the step bar shows them.
STEPS = ("upload", "columns", "cleaning", "explore", "models", "export")


def done_steps(user_id: int, dataset_id: str) -> frozenset[str]:
    """The steps done for one of the user's datasets.

    - ``upload``: the dataset exists (it was read).
    - ``columns``: the user saved column choices.
    - ``cleaning``: a cleaning recipe made a version of it.
    - ``explore``: a full analysis of it finished (the quick one leaves no record;
      the page adds a visit in this browser session itself).
    - ``models``: a forecast of it exists.
    - ``export``: a workbook or PDF report of one of its forecasts was prepared
      (files downloaded at once from the Export page leave no record).

    Raises
    ------
    NotFoundError
        When the dataset is not the user's.

    Examples
    --------
    >>> sorted(done_steps(user_id, info.id))  # doctest: +SKIP
    ['models', 'upload']

    """
    done = {"upload"}
    with db.session() as s:
        dataset = owned_dataset(s, user_id, dataset_id)
        if dataset.columns_config:
            done.add("columns")
        recipes = s.scalars(
            select(db.DatasetVersion.recipe).where(
                db.DatasetVersion.dataset_id == dataset_id
            )
        )
        if any(_is_cleaning(recipe) for recipe in recipes):
            done.add("cleaning")
        forecast_ids = list(
            s.scalars(
                select(db.Forecast.id).where(
                    db.Forecast.user_id == user_id,
                    db.Forecast.dataset_id == dataset_id,
                )
            )
        )
    if forecast_ids:
        done.add("models")
    analyses = list_jobs(user_id, limit=50, kinds=("analysis",), dataset_id=dataset_id)
    if any(job.status == "succeeded" for job in analyses):
        done.add("explore")
    if forecast_ids and _reported(user_id, forecast_ids):
        done.add("export")
    return frozenset(done)


def _is_cleaning(recipe: list[object] | None) -> bool:
    """Whether a version's recipe holds a cleaning step, not only how it was read."""
    return any(
        not (isinstance(step, dict) and step.get("op") == "read")
        for step in recipe or []
    )


def _reported(user_id: int, forecast_ids: list[str]) -> bool:
    """Whether a report job of one of these forecasts succeeded."""
    with db.session() as s:
        found = s.scalars(
            select(db.Job.id)
            .where(
                db.Job.user_id == user_id,
                db.Job.kind == "report",
                db.Job.status == "succeeded",
                db.Job.params["forecast_id"].as_string().in_(forecast_ids),
            )
            .limit(1)
        ).first()
        return found is not None
