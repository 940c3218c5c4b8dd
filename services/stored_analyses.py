"""Full analyses: the job that analyses a whole series, and its stored results.

The quick analysis on Explore looks at a recent window; the full one runs as an
``analysis`` job over every point and keeps its result as JSON in the user's folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services import db, storage
from services.analysis import Analysis, analyse_dataset
from services.datasets import get_dataset
from services.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from services.job_kinds import JobContext


def analysis_params(
    user_id: int, dataset_id: str, target: str | None = None, series: str | None = None
) -> dict[str, Any]:
    """Check a request for a full analysis and return the job's parameters.

    Raises
    ------
    NotFoundError
        When the dataset is not the user's.
    InvalidInputError
        When there is no time column or the target is not a column of numbers.

    """
    profile = get_dataset(user_id, dataset_id).profile
    target = target or profile.target
    if profile.time_column is None or target not in profile.target_candidates:
        raise InvalidInputError(
            "The dataset needs a time column and a column of numbers to analyse.",
            code="invalid_target",
        )
    return {"dataset_id": dataset_id, "target": target, "series": series}


def run_analysis_job(context: JobContext) -> str:
    """The ``analysis`` job: analyse the whole series and keep the result."""
    p = context.params
    result = analyse_dataset(
        context.user_id,
        p["dataset_id"],
        p.get("target"),
        None,
        p.get("series"),
        p.get("method", "stl"),
        p.get("period"),
        window=None,
        on_progress=context.progress,
    )
    analysis_id = db.new_id()
    storage.analysis_path(context.user_id, analysis_id).write_text(
        result.model_dump_json()
    )
    return analysis_id


def load_analysis(user_id: int, analysis_id: str) -> Analysis:
    """A stored full analysis of the user's.

    Raises
    ------
    NotFoundError
        When there is none with this id in the user's folder.

    """
    try:
        path = storage.analysis_path(user_id, analysis_id)
    except ValueError as exc:
        raise NotFoundError("This analysis does not exist.") from exc
    if not path.exists():
        raise NotFoundError("This analysis does not exist.")
    return Analysis.model_validate_json(path.read_text())
