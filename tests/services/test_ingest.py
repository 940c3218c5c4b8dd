"""Reading uploads: formats, encodings, number styles, and clear refusals."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.errors import ServiceError, UnreadableFileError
from services.ingest import check_suffix, read_table
from tests.conftest import SAMPLES, TEST_DATA


def test_reads_a_plain_csv_with_dates_and_integers() -> None:
    frame = read_table(SAMPLES / "air_passengers.csv", ".csv").frame
    assert frame.schema == {"month": pl.Date, "passengers": pl.Int64}
    assert frame.height == 144


def test_reads_a_european_export() -> None:
    frame = read_table(TEST_DATA / "european_sales.csv", ".csv").frame
    assert frame["Datum"].dtype == pl.Date
    assert frame["Datum"][12].isoformat() == "2023-01-13"  # day first
    assert frame["Umsatz"].dtype == pl.Float64
    assert 800 < frame["Umsatz"].min() and frame["Umsatz"].max() < 1600  # type: ignore[operator]
    assert frame["Filiale"][0] == "Köln"  # Latin-1 decoded
    assert frame["Bemerkung"].null_count() == 58


def test_keeps_codes_with_leading_zeros_as_text() -> None:
    frame = read_table(TEST_DATA / "zip_codes.csv", ".csv").frame
    assert frame["zip"].dtype == pl.String
    assert frame["zip"][0] == "01067"
    assert frame["population"].dtype == pl.Int64


def test_reads_the_first_sheet_of_a_workbook() -> None:
    frame = read_table(TEST_DATA / "store_units.xlsx", ".xlsx").frame
    assert frame.columns == ["month", "store", "units"]
    assert frame["month"].dtype in (pl.Date, pl.Datetime)
    assert frame["units"].dtype == pl.Float64


def test_missing_value_tokens_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "day,value\n2024-01-01,1\n2024-01-02,NA\n2024-01-03,n/a\n"
        "2024-01-04,-\n2024-01-05,NULL\n2024-01-06,6\n"
    )
    frame = read_table(path, ".csv").frame
    assert frame["value"].to_list() == [1, None, None, None, None, 6]


def test_true_false_columns_and_surprises_far_down_the_file(tmp_path: Path) -> None:
    # Past the sniffed head: a "Yes" among true/false, and a byte that is not UTF-8.
    lines = ["day,flag,amount,note"]
    start = dt.date(2020, 1, 1)
    for i in range(3000):
        flag = "Yes" if i == 2500 else ("TRUE" if i % 3 else "false")
        lines.append(f"{start + dt.timedelta(days=i)},{flag},{i}.5,n{i}")
    path = tmp_path / "late.csv"
    path.write_bytes("\n".join(lines).encode() + b"\n2028-03-19,true,1.5,caf\xe9\n")
    frame = read_table(path, ".csv").frame
    assert frame.schema == {
        "day": pl.Date,
        "flag": pl.Boolean,
        "amount": pl.Float64,
        "note": pl.String,
    }
    assert frame.height == 3001
    assert frame["flag"][:4].to_list() == [False, True, True, False]
    assert frame["flag"][2500] is True
    assert frame["note"][3000].startswith("caf")


@pytest.mark.parametrize(
    "words,expected",
    [
        (("Y", "N", "y"), [True, False, True]),
        (("J", "N", "n"), [True, False, False]),
        (("ja", "Nein", "JA"), [True, False, True]),
        (("t", "f", "T"), [True, False, True]),
        (("Yes", "n", "NO"), [True, False, False]),
    ],
)
def test_yes_no_columns_in_letters_and_other_languages(
    tmp_path: Path, words: tuple[str, ...], expected: list[bool]
) -> None:
    path = tmp_path / "flags.csv"
    path.write_text(
        "day,flag\n" + "".join(f"2024-01-0{i + 1},{w}\n" for i, w in enumerate(words))
    )
    assert read_table(path, ".csv").frame["flag"].to_list() == expected


def test_letters_from_different_yes_no_pairs_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "sizes.csv"
    path.write_text("day,grade\n2024-01-01,F\n2024-01-02,N\n2024-01-03,T\n")
    assert read_table(path, ".csv").frame["grade"].dtype == pl.String


def test_formulas_with_quotes_not_doubled_keep_header_and_columns(
    tmp_path: Path,
) -> None:
    # Quoted text up top, a spreadsheet's formula far past the sniffed head; with a
    # byte-order mark, and in a Windows code page (converted before it is read).
    lines = ["day,note,amount"] + [
        f'{dt.date(2020, 1, 1) + dt.timedelta(days=i)},"ok, café {i}",{i}'
        for i in range(3000)
    ]
    lines[2900] = '2027-12-09,"=HYPERLINK("http://x/é","y")",2899'
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes("\r\n".join(lines).encode(encoding))
        read = read_table(path, ".csv")
        assert read.frame.columns == ["day", "note", "amount"]
        assert read.frame.height == 3000
        assert read.frame["note"][2899] == '=HYPERLINK("http://x/é","y")'
        assert read.frame["amount"][2898:2901].to_list() == [2898, 2899, 2900]
        assert read.frame["note"][0] == "ok, café 0"
        assert [n.message for n in read.notes] == [
            "1 line holds a quoted value with quotes inside it that are not doubled "
            "(such as a formula); it was read whole, as a spreadsheet program reads it."
        ]


def test_a_quoted_header_with_quotes_inside_names_its_column_as_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text(
        'month;"Umsatz ""netto""";"a ""quoted"" name"\n'
        "2024-01-01;1,5;3\n2024-02-01;2,5;4\n2024-03-01;3,25;5\n"
    )
    frame = read_table(path, ".csv").frame
    assert frame.columns == ["month", 'Umsatz "netto"', 'a "quoted" name']
    assert frame['Umsatz "netto"'].to_list() == [1.5, 2.5, 3.25]
    assert frame['a "quoted" name'].to_list() == [3, 4, 5]


def test_values_that_are_not_numbers_are_named_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    rows = [f"2024-01-{d:02d},{v}" for d, v in enumerate(range(100, 130), start=1)]
    rows[3], rows[9], rows[20] = (
        "2024-01-04,#REF!",
        "2024-01-10,#DIV/0!",
        "2024-01-21,?",
    )
    path.write_text("day,value\n" + "\n".join(rows) + "\n")
    notes = [n.message for n in read_table(path, ".csv").notes]
    assert notes == [
        "3 values in “value” are not numbers (“#REF!”, “#DIV/0!”, “?”); "
        "they were read as missing."
    ]


def test_iso_times_written_differently_far_down_the_file(tmp_path: Path) -> None:
    start = dt.datetime(2020, 1, 1)
    stamps = [f"{start + dt.timedelta(hours=i):%Y-%m-%d %H:%M:%S}" for i in range(3000)]
    stamps[2500] = "2020-04-15"  # a bare date among date-times: its midnight
    days = [str(dt.date(2020, 1, 1) + dt.timedelta(days=i)) for i in range(3000)]
    days[2600] = "2027-02-17 10:00"  # a time of day among dates
    (tmp_path / "stamps.csv").write_text(
        "stamp,y\n" + "".join(f"{s},{i}\n" for i, s in enumerate(stamps))
    )
    (tmp_path / "days.csv").write_text(
        "day,y\n" + "".join(f"{d},{i}\n" for i, d in enumerate(days))
    )
    stamp = read_table(tmp_path / "stamps.csv", ".csv").frame["stamp"]
    assert stamp.dtype == pl.Datetime("us")
    assert stamp[2499:2502].to_list() == [
        start + dt.timedelta(hours=2499),
        dt.datetime(2020, 4, 15),
        start + dt.timedelta(hours=2501),
    ]
    day = read_table(tmp_path / "days.csv", ".csv").frame["day"]
    assert day.dtype == pl.Datetime("us")
    assert day[2599:2602].to_list() == [
        dt.datetime(2027, 2, 12),
        dt.datetime(2027, 2, 17, 10),
        dt.datetime(2027, 2, 14),
    ]


@pytest.mark.parametrize(
    "first,later",
    [
        ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"),
        ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f000"),
        ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"),
    ],
)
def test_date_times_whose_layout_changes_down_the_file(
    tmp_path: Path, first: str, later: str
) -> None:
    start = dt.datetime(2020, 1, 1)
    times = [start + dt.timedelta(minutes=i) for i in range(3000)]
    written = [t.strftime(first if i < 2000 else later) for i, t in enumerate(times)]
    path = tmp_path / "t.csv"
    path.write_text("time,y\n" + "".join(f"{w},{i}\n" for i, w in enumerate(written)))
    frame = read_table(path, ".csv").frame
    assert frame["time"].dtype == pl.Datetime("us")
    assert frame["time"].to_list() == times


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00" * 10, "binary"),
    ],
)
def test_refuses_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=message):
        read_table(path, ".csv")


def test_refuses_a_fake_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    shutil.copy(SAMPLES / "air_passengers.csv", path)
    with pytest.raises(UnreadableFileError, match="Excel"):
        read_table(path, ".xlsx")


def test_refuses_unknown_file_types() -> None:
    with pytest.raises(UnreadableFileError, match="CSV"):
        check_suffix("holiday.jpg")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(min_size=0, max_size=400))
def test_random_bytes_never_raise_anything_but_a_service_error(
    tmp_path: Path, blob: bytes
) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(blob)
    try:
        read_table(path, ".csv")
    except ServiceError:
        pass


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                ["1", "2,5", "x", "", "NA", "2024-01-01", '"a;b"', "-3.5", "yes"]
            ),
            min_size=1,
            max_size=4,
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([",", ";", "\t", "|"]),
)
def test_random_csv_like_text_never_raises_anything_but_a_service_error(
    tmp_path: Path, rows: list[list[str]], sep: str
) -> None:
    path = tmp_path / "random.csv"
    path.write_text("\n".join(sep.join(r) for r in rows))
    try:
        read_table(path, ".csv")
    except ServiceError:
        pass


_WORDS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzäöü ", min_size=1, max_size=12
).map(lambda s: "x" + s.strip())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.data(),
    st.integers(min_value=1, max_value=30),
    st.sampled_from([".csv", ".xlsx", ".parquet"]),
)
def test_a_table_written_then_read_round_trips(
    tmp_path: Path, data: st.DataObject, rows: int, suffix: str
) -> None:
    frame = pl.DataFrame(
        {
            "day": [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(rows)],
            "count": data.draw(
                st.lists(st.integers(-(10**6), 10**6), min_size=rows, max_size=rows)
            ),
            "amount": data.draw(
                st.lists(
                    st.floats(-1e6, 1e6, allow_nan=False).map(
                        lambda f: round(f, 3) + 0.5
                    ),
                    min_size=rows,
                    max_size=rows,
                )
            ),
            "label": data.draw(st.lists(_WORDS, min_size=rows, max_size=rows)),
            "flag": data.draw(st.lists(st.booleans(), min_size=rows, max_size=rows)),
        }
    )
    path = tmp_path / f"table{suffix}"
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".xlsx":
        frame.write_excel(path)
    else:
        frame.write_parquet(path)
    read = read_table(path, suffix).frame
    assert read.columns == frame.columns
    assert read["day"].cast(pl.Date).to_list() == frame["day"].to_list()
    assert read["count"].cast(pl.Int64).to_list() == frame["count"].to_list()
    assert read["amount"].to_list() == pytest.approx(frame["amount"].to_list())
    assert read["label"].to_list() == frame["label"].to_list()
    assert read["flag"].to_list() == frame["flag"].to_list()
