"""Matching a file's headers, in English or Chinese, to the contract's canonical columns."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any, Generic, TypeVar

from core.domain import Reject, row_place
from core.exceptions import UnreadableFileError
from intake.contract import Contract
from intake.layout import Block, Line, lay_out
from intake.read import Table
from intake.values import Cell, text

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each canonical column sits in a sheet, and the headers nobody asked for."""

    index: dict[str, int]
    unknown: list[str]


def names_columns(table: Table, contract: Contract, columns: set[str], *, within: int = 20) -> bool:
    """Whether a row near the top of one of the table's sheets names all these columns: how a
    file handed back (a talk register, a list of return slips) is told by its header."""
    for sheet in table.sheets:
        for _, cells in sheet.rows[:within]:
            if columns <= {contract.canonical(text(c)) for c in cells if text(c)}:
                return True
    return False


def match_columns(source: str, block: Block, contract: Contract) -> Columns:
    """Map a sheet's header to canonical names; a column named twice is an error."""
    index: dict[str, int] = {}
    unknown: list[str] = []
    for position, header in enumerate(block.header):
        canonical = contract.canonical(header)
        if canonical is None:
            if header.strip():
                unknown.append(header.strip())
        elif canonical in index:
            where = f" (sheet {block.sheet})" if block.sheet else ""
            raise UnreadableFileError(f"{source}{where}: column {header!r} appears twice")
        else:
            index[canonical] = position
    return Columns(index, unknown)


def _hints(
    unknown: list[str], aliases: dict[str, tuple[str, ...]], *, found: Iterable[str]
) -> list[tuple[str, str]]:
    """An ignored header close to a missing column's name is most likely that column mistyped:
    (the header, the name it is close to)."""
    missing = {n: c for c, names in aliases.items() if c not in found for n in (c, *names)}
    hints = []
    for header in unknown:
        close = difflib.get_close_matches(header.casefold(), missing, n=1, cutoff=0.75)
        if close:
            hints.append((header, close[0]))
    return hints


@dataclass(frozen=True, slots=True)
class Row:
    """A row of data: where it is (the sheet only when a file's data spans several) and its
    cells under the contract's names."""

    sheet: str
    number: int
    values: dict[str, Cell]

    @property
    def where(self) -> str:
        return row_place(self.sheet, self.number)


@dataclass
class ImportResult(Generic[R]):
    """What a file gave: the records accepted, the rows rejected, and the file's other lines.

    Nothing is lost: `read` always equals accepted plus rejected; the lines that are not data
    (titles, totals, footers) are listed, never counted as rows.
    """

    source: str
    sha256: str
    read: int
    accepted: list[R] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)  # optional ones the file lacks
    header_hints: list[tuple[str, str]] = field(default_factory=list)  # (header, meant)
    accepted_rows: list[int] = field(default_factory=list)  # each accepted record's row
    description: list[Line] = field(default_factory=list)  # the lines above the header
    ignored_lines: list[Line] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    # sign-in sheet rows whose status nobody filled in: neither done nor missed, not counted
    not_filled_in: list[str] = field(default_factory=list)


def located(table: Table, contract: Contract) -> tuple[ImportResult[Any], Iterator[Row]]:
    """Find the data in the file (intake/layout.py) and name each row's cells; the result
    starts with what the file's layout says, and no record yet. The rows come one at a time:
    a million of them named at once held as much again as the file."""
    result, laid = laid_out(table, contract)
    # Row by row, the columns that finding the table turned are of no use: let them go (three
    # million sign-in rows' seven columns are 170 MB of pointers).
    named = [(replace(block, columns=None), index) for block, index in laid]
    del laid
    several = len(named) > 1

    def rows() -> Iterator[Row]:
        for block, index in named:
            sheet = block.sheet if several else ""
            # a tuple of cells, as a header names at least two columns (LEAST_NAMED)
            names, picked = list(index), itemgetter(*index.values())
            width = max(index.values()) + 1
            for n, cells in block.rows:
                # a short row (its last cells empty) padded: the cells it lacks are None
                values = picked(cells if len(cells) >= width else _padded(cells, width))
                yield Row(sheet, n, dict(zip(names, values, strict=True)))

    return result, rows()


def laid_out(
    table: Table, contract: Contract
) -> tuple[ImportResult[Any], list[tuple[Block, dict[str, int]]]]:
    layout = lay_out(table, contract)
    several = len(layout.blocks) > 1
    unknown: dict[str, None] = {}  # each reported once, however many sheets have it
    found: set[str] = set()
    named = []
    for block in layout.blocks:
        columns = match_columns(table.source, block, contract)
        unknown |= dict.fromkeys(columns.unknown)
        found |= columns.index.keys()
        named.append((block, columns.index))
    result: ImportResult[Any] = ImportResult(
        table.source,
        table.sha256,
        sum(len(block.rows) for block, _ in named),
        unknown_columns=list(unknown),
        missing_columns=[c for c in contract.aliases if c not in found],
        header_hints=_hints(list(unknown), contract.aliases, found=found),
        # sheet after sheet repeats "填报单位：…": once is enough
        description=_once(layout.description),
        ignored_lines=layout.ignored if several else [replace(i, sheet="") for i in layout.ignored],
        skipped_sheets=layout.skipped_sheets,
    )
    return result, named


def _padded(cells: list[Cell], width: int) -> list[Cell]:
    return [*cells, *([None] * (width - len(cells)))]


def _once(lines: list[Line]) -> list[Line]:
    """Sheet after sheet repeats "填报单位：市委组织部": the description says it once."""
    first = {line.text: line for line in reversed(lines)}  # the first line of each text wins
    return [line for line in lines if first[line.text] is line]
