"""Finding the table in a sheet laid out the way offices lay it out.

An organisation department's spreadsheet is rarely a bare table: a title merged across the top,
a line "填报单位：… 填报日期：…", a header over two rows with group cells merged across their
columns ("单位" over "编码" and "名称"), a 序号 column, a 合计 row and the signatures of whoever
filled it in and checked it. Only the contract knows which row is the header: the one whose
cells name its columns best. What lies above it describes the file; totals, repeated headers and
the footer lines below the data are not data, and are listed rather than rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from operator import itemgetter

from core.domain import row_place
from core.exceptions import UnreadableFileError
from intake.contract import Contract
from intake.lines import LEAST_NAMED, footer, maybe_not_data, not_data, shown
from intake.read import HEADER_SEARCH_ROWS, Sheet, Table
from intake.values import Cell, text

# A group cell's word that its children do not repeat: "纪律情况" over "状况" is 纪律状况.
GROUP_ENDINGS = ("情况", "信息", "方式", "情形")


@dataclass(frozen=True, slots=True)
class Line:
    """A line of a sheet that is not a row of data: a title, a total, a footer."""

    sheet: str
    row: int
    kind: str  # "title", "total", "footer", "header" (repeated)
    text: str

    @property
    def where(self) -> str:
        return row_place(self.sheet, self.row)

    def __str__(self) -> str:
        return f"{self.where} ({self.kind}): {self.text}"


@dataclass(frozen=True, slots=True)
class Block:
    """One sheet's table: its header (two rows combined into one name per column, if it has
    two) and the rows of data under it."""

    sheet: str
    header: list[str]
    header_rows: tuple[int, ...]
    rows: list[tuple[int, list[Cell]]]
    # the rows' cells column by column, when laying out the sheet has turned them already
    columns: list[Sequence[Cell]] | None = None


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a file's data is, and what else it holds."""

    blocks: list[Block]
    description: list[Line] = field(default_factory=list)  # the lines above each header
    ignored: list[Line] = field(default_factory=list)  # totals, footers, repeated headers
    skipped_sheets: list[str] = field(default_factory=list)  # "说明 (no header of this kind)"


def lay_out(table: Table, contract: Contract) -> Layout:
    """Find the table in every sheet that holds one; raise when none does.

    A sheet whose header names some of the contract's columns but misses a required one is an
    error, not a sheet to skip: its rows would otherwise be lost without a word.
    """
    layout = Layout([])
    best_missing: tuple[int, Sheet, list[str]] | None = None
    for sheet in table.sheets:
        found = _header(sheet, contract)
        named = len(_named(found[1], contract)) if found else 0
        missing = _missing(found[1] if found else [], contract)
        if found is None or named < LEAST_NAMED:
            if best_missing is None or named > best_missing[0]:
                best_missing = (named, sheet, missing)
            layout.skipped_sheets.append(sheet.name)
            continue
        if missing:
            raise UnreadableFileError(_missing_message(table, sheet, missing, contract))
        position, header, used = found
        block, description, ignored = _block(sheet, position, header, used, contract)
        layout.blocks.append(block)
        layout.description.extend(description)
        layout.ignored.extend(ignored)
    if not layout.blocks:
        assert best_missing is not None  # a file has at least one sheet
        _, sheet, missing = best_missing
        looked = (
            f" (sheets looked at: {', '.join(s.name for s in table.sheets)})"
            if len(table.sheets) > 1
            else ""
        )
        raise UnreadableFileError(
            _missing_message(table, sheet, missing, contract, one=len(table.sheets) == 1) + looked
        )
    if len(table.sheets) == 1 or table.sheet_chosen:
        layout.skipped_sheets.clear()
    return layout


def _missing_message(
    table: Table, sheet: Sheet, missing: list[str], contract: Contract, *, one: bool = True
) -> str:
    where = f" (sheet {sheet.name})" if sheet.name and one and len(table.sheets) > 1 else ""
    required = sorted(m for m in missing if m in contract.required)
    if required:
        return f"{table.source}{where}: required column missing: {contract.describe(required)}"
    groups = " or ".join(sorted(missing))
    return f"{table.source}{where}: needs a column {groups}"


def _missing(header: list[str], contract: Contract) -> list[str]:
    """The required columns a header lacks (in the contract's order), then any one-of group."""
    named = _named(header, contract)
    missing = [c for c in contract.aliases if c in contract.required and c not in named]
    if missing:
        return missing
    for group in contract.one_of:
        if not group & named:
            return sorted(group)
    return []


def _named(header: list[str], contract: Contract) -> set[str]:
    return {c for name in header if (c := contract.canonical(name)) is not None}


def _header(sheet: Sheet, contract: Contract) -> tuple[int, list[str], int] | None:
    """The header among the sheet's first rows: (its position, its names, rows it takes).

    The best is the row naming most required columns, then most columns. One row wins a tie
    with two (a title line above a header, combined with it, names as many), then the earliest.
    """
    best: tuple[tuple[int, int, int], int, list[str], int] | None = None
    rows = sheet.rows[:HEADER_SEARCH_ROWS]
    for position, (number, cells) in enumerate(rows):
        top = _texts(cells)
        candidates = [(top, 1)]
        if position + 1 < len(sheet.rows) and sheet.rows[position + 1][0] == number + 1:
            below = _texts(sheet.rows[position + 1][1])
            candidates.append((combined(top, below, contract), 2))
        for names, used in candidates:
            named = _named(names, contract)
            score = (len(named & contract.required), len(named), -used)
            if best is None or score > best[0]:
                best = (score, position, names, used)
    if best is None:
        return None
    _, position, names, used = best
    return position, names, used


def combined(top: list[str], below: list[str], contract: Contract) -> list[str]:
    """One name per column from a header over two rows.

    A cell with nothing under it was merged down over both rows and keeps its name. A cell with
    a name under it heads a group, merged across the cells to its right that are empty above:
    each child is named with its group ("单位" + "编码" → 单位编码), or alone when the child is
    itself a column's name (手机 under 联系方式).
    """
    names: list[str] = []
    group = ""
    for position in range(max(len(top), len(below))):
        above = top[position] if position < len(top) else ""
        under = below[position] if position < len(below) else ""
        if above and not under:
            names.append(above)
            group = ""
            continue
        if above:
            group = above
        names.append(_child(group, under, contract) if under else "")
    return names


def _child(group: str, child: str, contract: Contract) -> str:
    if not group:
        return child
    stems = [group, *(group.removesuffix(e) for e in GROUP_ENDINGS if group.endswith(e))]
    glue = "_" if (group + child).isascii() else ""
    candidates = [f"{stem}{glue}{child}" for stem in stems] + [child]
    return next((c for c in candidates if contract.canonical(c)), f"{group}{glue}{child}")


def _block(
    sheet: Sheet, position: int, header: list[str], used: int, contract: Contract
) -> tuple[Block, list[Line], list[Line]]:
    """The sheet's rows of data under its header, the lines above it, and the lines that are
    neither: totals and repeated headers anywhere, footers after the last row of data."""
    description = [Line(sheet.name, n, "title", shown(c)) for n, c in sheet.rows[:position]]
    header_rows = tuple(n for n, _ in sheet.rows[position : position + used])
    rows: list[tuple[int, list[Cell]]] = []
    ignored: list[Line] = []
    below = sheet.rows[position + used :]
    data_ends = len(below)
    while data_ends and footer(below[data_ends - 1][1]):
        data_ends -= 1
    columns = turned([cells for _, cells in below])
    suspects = maybe_not_data(columns, contract)
    if not suspects and data_ends == len(below):  # a plain table: every row below is data
        return Block(sheet.name, header, header_rows, below, columns), description, ignored
    for index, (number, cells) in enumerate(below):
        kind = (not_data(cells, contract) if index in suspects else None) or (
            "footer" if index >= data_ends else None
        )
        if kind is None:
            rows.append((number, cells))
        else:
            ignored.append(Line(sheet.name, number, kind, shown(cells)))
    return Block(sheet.name, header, header_rows, rows), description, ignored


def turned(rows: Sequence[Sequence[Cell]]) -> list[Sequence[Cell]]:
    """Rows as columns, a short row's missing cells None."""
    widths = set(map(len, rows))
    if len(widths) == 1:  # as a CSV file nearly always is: a column in one pass
        return [list(map(itemgetter(at), rows)) for at in range(widths.pop())]
    return list(zip_longest(*rows))


def _texts(cells: list[Cell]) -> list[str]:
    names = [text(c) for c in cells]
    while names and not names[-1]:
        names.pop()
    return names
