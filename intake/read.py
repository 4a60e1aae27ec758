"""Reading a spreadsheet (CSV in any encoding, XLSX of any number of sheets) into rows."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from core.exceptions import UnreadableFileError
from intake.csv_text import csv_records
from intake.values import Cell, text
from intake.workbook_parts import UNREADABLE_XLSX, decrypted, inspect_parts, unreadable

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


HEADER_SEARCH_ROWS = 20  # the header is looked for among a sheet's first rows with anything in them


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet's rows that have anything in them, numbered as the user sees them in Excel.

    Which of them is the header, and which are titles or footers, is for the contract to say
    (intake/layout.py): only it knows the column names to look for.
    """

    name: str  # "" for a CSV file or a database
    rows: list[tuple[int, list[Cell]]]


@dataclass(frozen=True, slots=True)
class Table:
    """What a file holds: its sheets (one for a CSV file or a database), as read."""

    source: str
    sha256: str
    sheets: list[Sheet]
    sheet_chosen: bool = False  # the user named the sheet: it must hold the table

    @classmethod
    def under_header(
        cls, source: str, sha256: str, header: list[str], rows: list[tuple[int, list[Cell]]]
    ) -> Table:
        """A table whose header is known (a database's column names): row 1, then the rows."""
        return cls(source, sha256, [Sheet("", [(1, list(header)), *rows])])


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    password: str | None = None,
) -> Table:
    """Read a .csv or .xlsx file, or a workbook encrypted with `password` (an admonition
    session's sheet, sealed as it went out); raise UnreadableFileError naming the file and the
    problem."""
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
    counted = _Counted(str(path), limits)
    if data[:4] == b"PK\x03\x04":
        sheets = _xlsx_sheets(path, data, sheet, counted)
    elif data[:4] == OLE_MAGIC and password:
        sheets = _xlsx_sheets(path, decrypted(path, data, password), sheet, counted)
    elif data[:4] == OLE_MAGIC:
        raise UnreadableFileError(
            f"{path}: an encrypted or old-format (.xls) workbook: save it without a password "
            "as .xlsx or .csv"
        )
    elif path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        raise UnreadableFileError(f"{path}: not an .xlsx workbook (save it as .xlsx or .csv)")
    else:
        sheets = [Sheet("", counted.rows("", csv_records(path, data, limits.columns + 1)))]
    return Table(str(path), digest, sheets, sheet_chosen=sheet is not None)


class _Counted:
    """Keeps the rows with anything in them, within the file's limits on rows and columns."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source, self.limits, self.count = source, limits, 0

    def rows(self, sheet: str, records: Iterator[list[Cell]]) -> list[tuple[int, list[Cell]]]:
        rows: list[tuple[int, list[Cell]]] = []
        widest = self.limits.columns
        for number, cells in enumerate(records, start=1):
            if not _filled(cells):
                continue  # blank rows between the data, or below it
            if len(rows) < HEADER_SEARCH_ROWS:
                self._narrow_enough(sheet, cells)
            self.count += 1
            if self.count > self.limits.rows:
                raise UnreadableFileError(
                    f"{self.source}: more than {self.limits.rows:,} rows, over the limit (setting "
                    "LIANJIE_MAX_ROWS); split the file"
                )
            rows.append((number, cells if len(cells) <= widest else cells[:widest]))
        return rows

    def _narrow_enough(self, sheet: str, cells: list[Cell]) -> None:
        """A header (one of the first rows) wider than the limit is refused whole."""
        width = len(cells)
        while width and not text(cells[width - 1]):
            width -= 1
        if width > self.limits.columns:
            where = f" (sheet {sheet})" if sheet else ""
            raise UnreadableFileError(
                f"{self.source}{where}: {width} columns in the header row, over the limit of "
                f"{self.limits.columns} (setting LIANJIE_MAX_COLUMNS)"
            )


def _filled(cells: list[Cell]) -> bool:
    """Whether a row has anything in it; blank rows between the data are skipped."""
    # The first cell (the employee id, in a roster) nearly always answers it at once: text
    # with something printable in it is not emptied by `text`.
    first = cells[0] if cells else None
    if type(first) is str and (kept := first.strip()) and kept.isprintable():
        return True
    return any(text(c) for c in cells)


def _xlsx_sheets(path: Path, data: bytes, sheet: str | None, counted: _Counted) -> list[Sheet]:
    """The workbook's visible sheets, or the one named.

    A hidden sheet holds a clerk's lookups or last year's copy, never the table sent.
    """
    inspect_parts(path, data, file_mb=counted.limits.file_mb)
    try:
        # data_only: a formula cell gives its cached value, never the formula to evaluate.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE_XLSX as error:
        raise unreadable(path, error) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            names = ", ".join(workbook.sheetnames)
            raise UnreadableFileError(f"{path}: no sheet named {sheet!r} (sheets: {names})")
        chosen = (
            [workbook[sheet]]
            if sheet
            else [w for w in workbook.worksheets if w.sheet_state == "visible"]
        )
        return [
            Sheet(w.title, counted.rows(w.title, _xlsx_records(path, w, counted))) for w in chosen
        ]
    except UNREADABLE_XLSX as error:
        raise unreadable(path, error) from None
    finally:
        workbook.close()


def _xlsx_records(path: Path, worksheet: Any, counted: _Counted) -> Iterator[list[Cell]]:
    try:
        # The dimension a sheet declares (A1:XFD1048576 in a hostile file) is not trusted: rows
        # are read as they are, cut to the column limit, and a long run of empty rows ends it.
        worksheet.reset_dimensions()
        empty = 0
        # one column past the limit, so that a header wider than it is seen and refused
        for values in worksheet.iter_rows(values_only=True, max_col=counted.limits.columns + 1):
            cells = [v if v is None or isinstance(v, Cell) else str(v) for v in values]
            empty = 0 if any(v is not None and v != "" for v in cells) else empty + 1
            if empty >= EMPTY_ROWS_TO_STOP:
                return
            yield cells
    except UNREADABLE_XLSX as error:
        raise unreadable(path, error) from None
