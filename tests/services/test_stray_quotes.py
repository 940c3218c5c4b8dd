"""Quoted fields whose quotes inside are not doubled, read as spreadsheets do."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from services.stray_quotes import lenient_fields, requote

# A formula's text arguments: not empty ("" would read as one quote, in any program)
# and not starting with the delimiter.
ARGUMENT = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_characters='"\r\n', exclude_categories=["Cs", "Cc"]
    ),
    min_size=1,
    max_size=12,
).filter(lambda argument: not argument.startswith(","))


def _read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


def test_a_formula_with_quotes_inside_is_one_field() -> None:
    line = '2024-01-01,"=HYPERLINK("http://x","y")",3'
    assert lenient_fields(line, ",") == [
        "2024-01-01",
        '=HYPERLINK("http://x","y")',
        "3",
    ]
    # A strict reader makes four fields of it.
    assert len(next(csv.reader([line]))) == 4


def test_doubled_quotes_empty_fields_and_other_delimiters() -> None:
    assert lenient_fields('"say ""hi""",,""', ",") == ['say "hi"', "", ""]
    assert lenient_fields('1;"=F("a";"b")";x', ";") == ["1", '=F("a";"b")', "x"]
    assert lenient_fields('"5" screen",2', ",") == ['5" screen', "2"]
    assert lenient_fields('1,"starts here', ",") is None  # a value that spans lines


def test_lines_are_rewritten_with_the_quotes_doubled(tmp_path: Path) -> None:
    data = (
        b'date,link,sales\r\n2024-01-01,"plain, text",1\r\n'
        b'2024-01-02,"=HYPERLINK("http://x","y")",2\r\n'
    )
    path = tmp_path / "links.csv"
    path.write_bytes(data)
    for source in (data, path):
        fixed, lines = requote(source, data, ",")
        assert lines == 1
        assert _read(fixed)[2] == ["2024-01-02", '=HYPERLINK("http://x","y")', "2"]
        assert fixed.startswith(data[: data.index(b"2024-01-02")])  # the rest as is


def test_files_without_stray_quotes_are_left_alone() -> None:
    data = b'a,b\n1,"x, ""quoted"" y"\n2,"multi\nline"\n3,Lee "Ace" Park\n'
    assert requote(data, data, ",") == (b"", 0)
    assert requote(b"a,b\n1,2\n", b"a,b\n1,2\n", ",") == (b"", 0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.text(max_size=15), min_size=3, max_size=3), min_size=1, max_size=8
    )
)
def test_properly_written_csv_is_never_changed(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([["a", "b", "c"], *rows])
    data = buffer.getvalue().encode("utf-8", errors="surrogateescape")
    assert requote(data, data, ",") == (b"", 0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(ARGUMENT, min_size=1, max_size=3), st.integers()),
        min_size=1,
        max_size=6,
    )
)
def test_exported_formulas_read_back_whole(rows: list[tuple[list[str], int]]) -> None:
    formulas = ["=F(" + ",".join(f'"{a}"' for a in args) + ")" for args, _ in rows]
    lines = ["link,n"] + [
        f'"{f}",{n}' for f, (_, n) in zip(formulas, rows, strict=True)
    ]
    data = "\n".join(lines).encode()
    fixed, _ = requote(data, data, ",")
    read = _read(fixed or data)
    assert read[0] == ["link", "n"]
    assert [r[0] for r in read[1:]] == formulas
    assert [int(r[1]) for r in read[1:]] == [n for _, n in rows]
