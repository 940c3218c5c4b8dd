"""What adding newer data to a dataset did, in one plain sentence for the page.

"Added 3 new months, updated 1 value; your cleaning steps were applied again
(Filled 1 missing month of “sales” by linear interpolation)." The replayed steps are
described by :mod:`services.cleaning_words`, as on the Cleaning page.
"""

from __future__ import annotations

from services import calendars
from services.appending import AddedData
from services.cleaning_words import describe_changes
from services.numbers import DEFAULT_STYLE, NumberStyle, format_number


def describe_added(added: AddedData, style: NumberStyle = DEFAULT_STYLE) -> str:
    """What adding the file did: rows added, values updated, the recipe replayed.

    Rows count as periods ("3 new months") when the data is one series at a plain
    frequency, else as rows. Numbers are written in the user's ``style``.

    Examples
    --------
    >>> added = add_data(user.id, dataset.id, "march.csv", path)  # doctest: +SKIP
    >>> describe_added(added)  # doctest: +SKIP
    'Added 3 new months, updated 1 value; your cleaning steps were applied again
    (Filled 1 missing month of “sales” by linear interpolation).'

    """
    new = _rows(added, added.rows_added, style)
    revised = added.values_revised
    updated = (
        f"updated {_count(revised, 'value', style)}" if revised else "changed no value"
    )
    if added.mode == "replace":
        removed = _count(added.rows_removed or 0, "row", style)
        sentence = (
            f"Replaced the whole history with the file: {new}, {updated}, "
            f"{removed} of the old history removed"
        )
    elif added.rows_added or revised:
        sentence = f"Added {new}, {updated}"
    else:
        sentence = "The file held nothing new: no rows added, no values changed"
    if added.recipe_replayed:
        replayed = _replayed(added, style)
        sentence += f"; your cleaning steps were applied again {replayed}"
    sentence += "."
    if added.refresh_job_ids:
        count = len(added.refresh_job_ids)
        sentence += (
            " The forecast set to refresh with new data is being refreshed now."
            if count == 1
            else f" The {count} forecasts set to refresh with new data are being "
            "refreshed now."
        )
    return sentence


def _replayed(added: AddedData, style: NumberStyle) -> str:
    """What the replayed steps did, in parentheses."""
    words = describe_changes(added.steps, added.changes, added.frequency, style)
    said = [w.rstrip(".") for w in words if w]
    return f"({'; '.join(said)})" if said else "(they changed nothing this time)"


def _rows(added: AddedData, number: int, style: NumberStyle) -> str:
    """``3 new months`` for one series at a plain frequency, else ``3 new rows``."""
    frequency = added.frequency
    one_series = added.profile.series_count == 1
    if frequency is not None and frequency.step == 1 and one_series:
        unit = calendars.step_name(frequency, number).split(" ", 1)[1]
        return f"{format_number(number, style)} new {unit}"
    return f"{format_number(number, style)} new {'row' if number == 1 else 'rows'}"


def _count(number: int, noun: str, style: NumberStyle) -> str:
    return f"{format_number(number, style)} {noun}{'' if number == 1 else 's'}"
