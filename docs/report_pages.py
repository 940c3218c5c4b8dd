"""Redraw the README's report pages: docs/report-{cover,summary,models}.png.

Run ``PYTHONPATH=. .venv/bin/python docs/report_pages.py`` whenever the report changes.
It forecasts the airline passenger sample automatically in a scratch data folder, as a
job handler would, brands the report like a demo, renders the PDF and draws the cover,
the summary's page and the model comparison's page at 80 dpi with Poppler.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
# Each picture and the heading that finds its page (the cover is page 1).
PAGES = {
    "cover": "Forecast of",
    "summary": "Executive summary",
    "models": "Model comparison",
}


def main() -> None:
    """Make the PDF in a scratch data folder and draw its first pages into docs/."""
    scratch = Path(tempfile.mkdtemp(prefix="report-pages-"))
    os.environ["FORECAST_STUDIO_DATA_DIR"] = str(scratch)
    from services import datasets, db, forecasts, users
    from services.forecast_request import ForecastRequest
    from services.job_kinds import JobContext
    from services.reports import branding
    from services.reports.exports import render

    db.migrate()
    user = users.create_user("demo", "a demo password")
    upload = scratch / "air_passengers.csv"
    shutil.copy(DOCS.parent / "samples" / "air_passengers.csv", upload)
    dataset = datasets.create_dataset(user.id, upload.name, upload)
    wanted = ForecastRequest(target="passengers", horizon=12)
    job = forecasts.submit_forecast(user.id, dataset.id, wanted)
    forecast_id = forecasts.run_forecast_job(JobContext(job.id, user.id, job.params))
    branding.save_branding(user.id, "Acme Retail · Demand planning", "#0f766e")
    pdf = scratch / "report.pdf"
    pdf.write_bytes(render(user.id, forecast_id, "pdf"))
    for name, heading in PAGES.items():
        page = _page_with(pdf, heading)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", page, "-l", page, "-singlefile"]
            + [pdf, scratch / name],
            check=True,
        )
        shutil.copy(scratch / f"{name}.png", DOCS / f"report-{name}.png")
    shutil.rmtree(scratch)


def _page_with(pdf: Path, heading: str) -> str:
    """The number of the first page whose text holds ``heading``."""
    for page in range(1, 30):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if heading in text:
            return str(page)
    raise LookupError(f"No page of the report says {heading!r}.")


if __name__ == "__main__":
    main()
