"""Reading a spreadsheet (CSV in any encoding, XLSX) into numbered rows under a header."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from intake.values import Cell, text
from lianjie.exceptions import UnreadableFileError

MAX_CELL_CHARS = 10_000  # a cell longer than this is a broken export, not a name or a post


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header and its data rows, numbered as the user sees them in Excel."""

    source: str
    sha256: str
    header: list[str]
    rows: list[tuple[int, list[Cell]]]


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """Read a .csv or .xlsx file; raise UnreadableFileError naming the file and the problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFileError(f"{path}: no such file") from None
    except OSError as error:
        raise UnreadableFileError(f"{path}: cannot be read ({error.strerror})") from None
    if not data.strip():
        raise UnreadableFileError(f"{path}: the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04":
        records = _xlsx_records(path, data, sheet)
    elif path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        raise UnreadableFileError(f"{path}: not an .xlsx workbook (save it as .xlsx or .csv)")
    else:
        records = _csv_records(path, data)
    return _with_header(str(path), digest, records)


def _with_header(source: str, digest: str, records: Iterator[list[Cell]]) -> Table:
    header: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in enumerate(records, start=1):
        if header is None:
            if _filled(cells):
                header = [text(c) for c in cells]
            continue
        if _filled(cells):
            rows.append((number, cells))
    if header is None:
        raise UnreadableFileError(f"{source}: no header row found")
    return Table(source, digest, header, rows)


def _filled(cells: list[Cell]) -> bool:
    """Whether a row has anything in it; blank rows between the data are skipped."""
    # The first cell (the employee id, in a roster) nearly always answers it at once.
    return (bool(cells) and bool(text(cells[0]))) or any(text(c) for c in cells)


def _csv_records(path: Path, data: bytes) -> Iterator[list[Cell]]:
    content = _decode(path, data)
    if "\x00" in content:
        raise UnreadableFileError(f"{path}: binary data, not a CSV or XLSX file")
    first_line = next((line for line in content.splitlines() if line.strip()), "")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    csv.field_size_limit(MAX_CELL_CHARS * 10)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            yield list(record)
    except csv.Error as error:
        raise UnreadableFileError(
            f"{path}: broken CSV near line {reader.line_num}: {error}"
        ) from None


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, as Excel on a Chinese desktop writes; detected."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnreadableFileError(f"{path}: not a text file in a known encoding")
    return str(best)


def _xlsx_records(path: Path, data: bytes, sheet: str | None) -> Iterator[list[Cell]]:
    try:
        # data_only: a formula cell gives its cached value, never the formula to evaluate.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFileError(f"{path}: not a readable .xlsx workbook ({error})") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            names = ", ".join(workbook.sheetnames)
            raise UnreadableFileError(f"{path}: no sheet named {sheet!r} (sheets: {names})")
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        for values in worksheet.iter_rows(values_only=True):
            yield [v if v is None or isinstance(v, Cell) else str(v) for v in values]
    finally:
        workbook.close()
