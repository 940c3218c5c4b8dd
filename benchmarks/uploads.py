"""Uploads at the limits: the largest files the defaults accept, a 20,000-column table,
hostile workbooks, and what reading in a child process costs.

Run with ``make bench`` (or ``PYTHONPATH=. .venv/bin/python benchmarks/uploads.py``).
Every case runs in a process of its own, with a fresh data folder; its fork server is
warmed with a small upload first (as a running app's is), so the times are those of
an upload to a running app. Peak memory is the reading child's (it does the work);
the web side's peak is shown next to it.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from benchmarks.children import run_child

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

MB = 1_000_000
EXCEL_ROWS = 1_048_576  # a sheet's last row: the header and 1,048,575 rows of data
WIDE_COLUMNS = 20_000  # the table: a month column and 19,999 series
CSV_ROW_BYTES = 71.3  # the ingest table's rows, written as CSV
REPEATS = 3
CASES = ("overhead", "hostile", "wide", "csv", "xlsx")


def generate_csv(path: Path, rows: int) -> None:
    """The ingest benchmark's long table (10 columns), ``rows`` long."""
    import ingest
    import polars as pl

    sample = path.with_name("sample.csv")
    ingest.generate(sample)
    frame = pl.read_csv(sample)
    repeats = -(-rows // frame.height)
    pl.concat([frame] * repeats).head(rows).write_csv(path)
    sample.unlink()


def generate_workbook(path: Path, rows: int, numbers: int) -> None:
    """A sheet as Excel writes one: a date-time, a store code and ``numbers`` columns.

    The XML is written directly (xlsxwriter takes minutes for a sheet this size),
    with the date-times styled as dates, as Excel stores them.
    """
    import numpy as np
    import polars as pl
    from xlsxwriter.utility import xl_col_to_name

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    letters = [xl_col_to_name(i) for i in range(numbers + 2)]
    rng = np.random.default_rng(7)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        book.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
            'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/'
            'styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/></Types>',
        )
        book.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{relations}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" '
            f'xmlns:r="{relations}"><sheets><sheet name="Sales" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{relations}/worksheet" '
            'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{relations}/styles" Target="styles.xml"/></Relationships>',
        )
        book.writestr(
            "xl/styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}">'
            '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
            '</cellStyleXfs><cellXfs count="2"><xf/><xf numFmtId="22" '
            'applyNumberFormat="1"/></cellXfs></styleSheet>',
        )
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            last = f"{letters[-1]}{rows + 1}"
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                f'xmlns="{main}"><dimension ref="A1:{last}"/><sheetData><row r="1">'
                f'<c r="A1" t="inlineStr"><is><t>time</t></is></c><c r="B1" '
                f't="inlineStr"><is><t>store</t></is></c>'.encode()
            )
            sheet.write(
                "".join(
                    f'<c r="{c}1" t="inlineStr"><is><t>value_{i}</t></is></c>'
                    for i, c in enumerate(letters[2:])
                ).encode()
                + b"</row>"
            )
            for start in range(0, rows, 100_000):
                size = min(100_000, rows - start)
                row = pl.int_range(start + 2, start + 2 + size, eager=True).cast(str)
                columns: list[Any] = [
                    pl.lit('<row r="'),
                    row,
                    pl.lit('"><c r="A'),
                    row,
                    pl.lit('" s="1"><v>'),
                    pl.Series(43831 + np.arange(start, start + size) / 24).round(6),
                    pl.lit('</v></c><c r="B'),
                    row,
                    pl.lit('" t="inlineStr"><is><t>S'),
                    pl.Series(np.arange(start, start + size) % 50).cast(str),
                    pl.lit("</t></is></c>"),
                ]
                for letter in letters[2:]:
                    values = pl.Series(rng.poisson(40, size))
                    columns += [pl.lit(f'<c r="{letter}'), row, pl.lit('"><v>')]
                    columns += [values, pl.lit("</v></c>")]
                columns.append(pl.lit("</row>"))
                text = pl.select(pl.concat_str(columns)).to_series()
                sheet.write("".join(text.to_list()).encode())
            sheet.write(b"</sheetData></worksheet>")


def wide_csv(path: Path) -> None:
    """28 months × 19,999 series, plus the month column: the issue's table."""
    import numpy as np
    import polars as pl

    months = pl.date_range(pl.date(2022, 1, 1), pl.date(2024, 4, 1), "1mo", eager=True)
    values = np.random.default_rng(3).normal(100, 10, (28, WIDE_COLUMNS - 1)).round(1)
    names = [f"series_{i}" for i in range(WIDE_COLUMNS - 1)]
    wide = pl.DataFrame({"month": months}).hstack(pl.DataFrame(values, schema=names))
    wide.write_csv(path)


def child(case: str, folder: Path) -> dict[str, Any]:
    """Run one case in this process; return its measurements."""
    from services import db, users
    from services.datasets import create_dataset
    from services.errors import ServiceError

    db.migrate()
    account = users.create_user("bench", "bench password")

    def upload(path: Path) -> tuple[float, Any]:
        copy = path.with_name(f"upload-{path.name}")
        shutil.copy(path, copy)
        start = time.perf_counter()
        try:
            result: Any = create_dataset(account.id, path.name, copy)
        except ServiceError as exc:
            result = exc
        return time.perf_counter() - start, result

    upload(ROOT / "samples" / "air_passengers.csv")  # warm the fork server
    if case == "overhead":
        return overhead(folder)
    if case == "hostile":
        return hostile(folder, upload)
    if case == "wide":
        return wide(folder, account)
    path = folder / ("largest.csv" if case == "csv" else "largest.xlsx")
    seconds, info = upload(path)
    if isinstance(info, ServiceError):
        return {"refused": info.message, "seconds": seconds}
    from services.datasets import version_file

    return {
        "seconds": seconds,
        "rows": info.profile.rows,
        "columns": len(info.profile.columns),
        "mb": path.stat().st_size / MB,
        "child_peak_mb": _child_peak(folder, path),
        "web_peak_mb": _peak_mb(),
        "parquet_mb": version_file(account.id, info.id).stat().st_size / MB,
    }


def _child_peak(folder: Path, path: Path) -> float:
    """The reading child's peak memory, from a second, untimed read."""
    from services.ingest import check_suffix
    from services.parse_process import parse_upload

    out = folder / "peak.parquet"
    parsed = parse_upload(path, check_suffix(path.name), None, out)
    out.unlink()
    return parsed.peak_mb


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def overhead(folder: Path) -> dict[str, Any]:
    """Reading in this process against reading in a child, the same work."""
    import ingest

    from services.ingest import read_table
    from services.parse_process import parse_upload
    from services.profiling import profile_table

    results: dict[str, Any] = {}
    big = folder / "ingest.csv"
    ingest.generate(big)
    for name, path in (
        ("1M rows", big),
        ("144 rows", ROOT / "samples" / "air_passengers.csv"),
    ):
        out = folder / "out.parquet"
        here, there, here_cpu, there_cpu = [], [], [], []
        for _ in range(REPEATS if name == "1M rows" else 7):
            start, cpu = time.perf_counter(), time.process_time()
            read = read_table(path, ".csv")
            profile_table(read.frame, read.notes)
            read.frame.write_parquet(out, compression="lz4")
            here.append(time.perf_counter() - start)
            here_cpu.append(time.process_time() - cpu)
            out.unlink()
            start, cpu = time.perf_counter(), time.process_time()
            parsed = parse_upload(path, ".csv", None, out)
            there.append(time.perf_counter() - start)
            there_cpu.append(time.process_time() - cpu + parsed.cpu_seconds)
            out.unlink()
        results[name] = {
            "in_process": statistics.median(here),
            "child": statistics.median(there),
            "in_process_cpu": statistics.median(here_cpu),
            "child_cpu": statistics.median(there_cpu),
        }
    return results


def hostile(folder: Path, upload: Any) -> dict[str, Any]:
    """How fast the issue's hostile workbooks are refused, and how."""
    from tests.services.hostile_workbooks import (
        sheet_xml,
        whole_sheet_workbook,
        write_workbook,
    )

    sparse = write_workbook(
        folder / "a1_zz100000.xlsx",
        sheet_xml({"A1": "1", "ZZ100000": "2"}, dimension="A1:ZZ100000"),
    )
    files = {
        "A1 + XFD1048576": whole_sheet_workbook(folder / "a1_xfd1048576.xlsx"),
        "A1 + ZZ100000": sparse,
        "padded zip bomb": padded_full_size(folder / "padded.xlsx"),
    }
    results = {}
    for name, path in files.items():
        seconds, answer = upload(path)
        results[name] = {
            "kb": path.stat().st_size / 1000,
            "seconds": seconds,
            "answer": f"{type(answer).__name__}: {answer.message[:70]}…",
        }
    return results


def padded_full_size(path: Path) -> Path:
    """The issue's bomb: about 1 GB of sheet XML and 7 MB of random stored bytes."""
    from tests.services.hostile_workbooks import sheet_xml, write_workbook

    cells = {"A1": "1", "B1": "2", "A2": "3", "B2": "4"}
    small = write_workbook(path.with_name("small.xlsx"), sheet_xml(cells))
    row = b'<row r="9"><c r="A9"><v>1</v></c><c r="B9"><v>2</v></c></row>'
    with (
        zipfile.ZipFile(small) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                book.writestr(info.filename, source.read(info))
        head, tail = source.read("xl/worksheets/sheet1.xml").split(b"</sheetData>")
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head)
            for _ in range(16):
                sheet.write(row * 1_000_000)
            sheet.write(b"</sheetData>" + tail)
        book.writestr(
            "xl/media/image1.bin", os.urandom(7 * MB), compress_type=zipfile.ZIP_STORED
        )
    small.unlink()
    return path


def wide(folder: Path, account: Any) -> dict[str, Any]:
    """The 20,000-column table through the API: the upload, then a 5-row preview."""
    import app as app_module
    from services import users

    path = folder / "wide.csv"
    wide_csv(path)
    client = app_module.server.test_client()
    headers = {"Authorization": f"Bearer {users.create_token(account.username)}"}
    client.get("/health")
    start = time.perf_counter()
    with path.open("rb") as handle:
        created = client.post(
            "/api/v1/datasets",
            data={"file": (handle, path.name)},
            headers=headers,
            content_type="multipart/form-data",
        )
    uploaded = time.perf_counter() - start
    if created.status_code != 201:
        return {"refused": created.get_json()["error"]["message"]}
    url = f"/api/v1/datasets/{created.get_json()['id']}/preview?n=5"
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        page = client.get(url, headers=headers).get_json()
        times.append(time.perf_counter() - start)
    return {
        "mb": path.stat().st_size / MB,
        "upload_seconds": uploaded,
        "preview_seconds": statistics.median(times),
        "total_columns": page["total_columns"],
        "columns_shown": len(page["columns"]),
    }


def generate(folder: Path) -> dict[str, Any]:
    """Write the largest CSV and workbook the defaults accept (in a process of its
    own: a process started later would otherwise inherit its peak memory).

    The CSV has as many rows of the ingest table's 10 columns as ``MAX_CELLS`` and
    ``MAX_UPLOAD_MB`` allow; the workbook every row a sheet can have (1,048,576, the
    header included) and as many columns as ``MAX_CELLS`` allows.
    """
    import config

    cells = int(config.settings.MAX_CELLS)
    upload_bytes = int(config.settings.MAX_UPLOAD_MB) * 1024 * 1024
    rows = min(cells // 10, int(upload_bytes * 0.99 / CSV_ROW_BYTES))
    generate_csv(folder / "largest.csv", rows)
    columns = cells // EXCEL_ROWS
    generate_workbook(folder / "largest.xlsx", EXCEL_ROWS - 1, columns - 2)
    return {"csv_rows": rows, "xlsx_columns": columns}


def main() -> None:
    """Generate the files, run every case in its own process, print the tables."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="fs-bench-uploads-") as name:
        folder = Path(name)
        run("generate", folder)
        results = {case: run(case, folder) for case in CASES}
    print(
        f"{os.cpu_count()} cores; load average {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after\n"
    )
    print("| file | size (MB) | rows × columns | seconds | peak memory (MB) |")
    print("|---|---|---|---|---|")
    for case, label in (("csv", "largest CSV"), ("xlsx", "largest workbook")):
        r = results[case]
        if "refused" in r:
            print(f"| {label} | refused: {r['refused']} |||| ")
            continue
        print(
            f"| {label} | {r['mb']:.0f} | {r['rows']:,} × {r['columns']} | "
            f"{r['seconds']:.1f} | {r['child_peak_mb']:,.0f} reading, "
            f"{r['web_peak_mb']:,.0f} web side |"
        )
    w = results["wide"]
    print(
        f"\n20,000-column CSV ({w['mb']:.1f} MB, 28 rows): upload "
        f"{w['upload_seconds']:.1f} s, 5-row preview {w['preview_seconds']:.2f} s "
        f"({w['columns_shown']} of {w['total_columns']:,} columns shown)\n"
    )
    print("| hostile workbook | size (KB) | seconds | answer |")
    print("|---|---|---|---|")
    for name, r in results["hostile"].items():
        print(f"| {name} | {r['kb']:,.1f} | {r['seconds']:.3f} | {r['answer']} |")
    print(
        "\n| read, profile, write Parquet | in this process: s (CPU s) "
        "| in a child: s (CPU s) |"
    )
    print("|---|---|---|")
    for name, r in results["overhead"].items():
        print(
            f"| {name} | {r['in_process']:.3f} ({r['in_process_cpu']:.2f}) | "
            f"{r['child']:.3f} ({r['child_cpu']:.2f}) |"
        )


def run(case: str, folder: Path) -> dict[str, Any]:
    """One case in its own process and data folder."""
    result: dict[str, Any] = run_child(
        __file__, case, str(folder), data_dir=folder / f"data-{case}"
    )
    return result


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        folder = Path(sys.argv[3])
        if sys.argv[2] == "generate":
            print(json.dumps(generate(folder)))
        else:
            print(json.dumps(child(sys.argv[2], folder)))
    else:
        main()
