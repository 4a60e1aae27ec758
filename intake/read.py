"""Reading a spreadsheet (CSV in any encoding, XLSX) into numbered rows under a header."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

import charset_normalizer
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from intake.values import Cell, text
from lianjie.exceptions import UnreadableFileError

MAX_CELL_CHARS = 10_000  # a cell longer than this is a broken export, not a name or a post
EMPTY_ROWS_TO_STOP = 1_000  # a run of this many empty rows ends a sheet, whatever it declares
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an encrypted .xlsx, or an old .xls, is an OLE container


@dataclass(frozen=True, slots=True)
class Limits:
    """How large a file lianjie reads: refusing it whole is better than running out of memory
    or time on a broken or hostile export (LIANJIE_MAX_FILE_MB, _MAX_ROWS, _MAX_COLUMNS)."""

    file_mb: int = 100
    rows: int = 500_000
    columns: int = 200


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header and its data rows, numbered as the user sees them in Excel."""

    source: str
    sha256: str
    header: list[str]
    rows: list[tuple[int, list[Cell]]]


def read_table(path: Path, *, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read a .csv or .xlsx file; raise UnreadableFileError naming the file and the problem."""
    try:
        size = path.stat().st_size
        if size > limits.file_mb * 1024 * 1024:
            raise UnreadableFileError(
                f"{path}: {size / 1024 / 1024:.0f} MB, over the limit of {limits.file_mb} MB "
                "(setting LIANJIE_MAX_FILE_MB)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFileError(f"{path}: no such file") from None
    except OSError as error:
        raise UnreadableFileError(f"{path}: cannot be read ({error.strerror})") from None
    if not data.strip():
        raise UnreadableFileError(f"{path}: the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04":
        records = _xlsx_records(path, data, sheet, limits)
    elif data[:4] == OLE_MAGIC:
        raise UnreadableFileError(
            f"{path}: an encrypted or old-format (.xls) workbook: save it without a password "
            "as .xlsx or .csv"
        )
    elif path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        raise UnreadableFileError(f"{path}: not an .xlsx workbook (save it as .xlsx or .csv)")
    else:
        records = _csv_records(path, data)
    return _with_header(str(path), digest, records, limits)


def _with_header(
    source: str, digest: str, records: Iterator[list[Cell]], limits: Limits = DEFAULT_LIMITS
) -> Table:
    header: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in enumerate(records, start=1):
        if header is None:
            if _filled(cells):
                header = [text(c) for c in cells]
                while header and not header[-1]:
                    header.pop()
                if len(header) > limits.columns:
                    raise UnreadableFileError(
                        f"{source}: {len(header)} columns in the header row, over the limit of "
                        f"{limits.columns} (setting LIANJIE_MAX_COLUMNS)"
                    )
            continue
        if _filled(cells):
            if len(rows) >= limits.rows:
                raise UnreadableFileError(
                    f"{source}: more than {limits.rows:,} rows, over the limit (setting "
                    "LIANJIE_MAX_ROWS); split the file"
                )
            rows.append((number, cells[: limits.columns]))
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


# What a broken or hostile workbook raises: a bad zip, bad XML, XML that asks for entities or a
# DTD (defusedxml refuses those: ValueError), a missing part.
UNREADABLE_XLSX = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    ValueError,
    OSError,
    ParseError,
    EOFError,
)


def _xlsx_records(
    path: Path, data: bytes, sheet: str | None, limits: Limits
) -> Iterator[list[Cell]]:
    try:
        # data_only: a formula cell gives its cached value, never the formula to evaluate.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE_XLSX as error:
        raise UnreadableFileError(f"{path}: not a readable .xlsx workbook ({error})") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            names = ", ".join(workbook.sheetnames)
            raise UnreadableFileError(f"{path}: no sheet named {sheet!r} (sheets: {names})")
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        # The dimension a sheet declares (A1:XFD1048576 in a hostile file) is not trusted: rows
        # are read as they are, cut to the column limit, and a long run of empty rows ends it.
        worksheet.reset_dimensions()
        empty = 0
        # one column past the limit, so that a header wider than it is seen and refused
        for values in worksheet.iter_rows(values_only=True, max_col=limits.columns + 1):
            cells = [v if v is None or isinstance(v, Cell) else str(v) for v in values]
            empty = 0 if any(v is not None and v != "" for v in cells) else empty + 1
            if empty >= EMPTY_ROWS_TO_STOP:
                return
            yield cells
    except UNREADABLE_XLSX as error:
        raise UnreadableFileError(f"{path}: not a readable .xlsx workbook ({error})") from None
    finally:
        workbook.close()
