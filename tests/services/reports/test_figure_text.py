"""Names in the report's charts read as written: quotes stay quotes, markup is text."""

from __future__ import annotations

from services.reports.charts import to_svg
from services.reports.figures import report_figures
from tests.services.reports.conftest import build

QUOTED = 'Store "North"'
MARKUP = "<b>bold</b> & co's"


def test_quotes_and_markup_in_names_are_shown_as_written() -> None:
    figures = report_figures(build([QUOTED, MARKUP], target='sales "net"'))
    text = "".join(fig.to_json() for fig in figures.values())
    assert "&quot;" not in text and "&#x27;" not in text  # Plotly would show these
    assert "<b>" not in text  # markup stays text
    titles = [fig.layout.title.text or "" for fig in figures.values()]
    assert any(t.startswith(f"{QUOTED}: the next") for t in titles), titles
    assert any(t.startswith("&lt;b&gt;bold&lt;/b&gt; &amp; co's") for t in titles)
    series = {name: fig for name, fig in figures.items() if name.startswith("series")}
    drawn = b"".join(to_svg(series).values())
    assert f"{QUOTED}: the next".encode() in drawn
    assert b"&amp;quot;" not in drawn and b"<b>" not in drawn
