"""The workbooks lianjie hands out to be filled in and handed back (a sign-in sheet, a talk
register, a list of return slips): a title row over the contract's header, one row per line,
saved whole or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet


def to_fill_in(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str,
    widths: Sequence[int],
    date_columns: Sequence[int] = (),
) -> tuple[Workbook, Worksheet]:
    """A workbook whose one sheet has the title (merged over the header), the header in bold,
    the rows, the widths, days shown as days (`date_columns`, from 1) and the top frozen."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for number, width in enumerate(widths, 1):
        sheet.column_dimensions[sheet.cell(row=2, column=number).column_letter].width = width
    for column in date_columns:
        for (cell,) in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A3"
    return workbook, sheet


def saved(workbook: Workbook, path: Path) -> Path:
    """Written beside its place and moved there: a reader never finds half a workbook."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.tmp")
    workbook.save(temporary)
    temporary.replace(path)
    return path
