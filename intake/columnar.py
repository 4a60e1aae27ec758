"""A file's rows of data turned into columns, and the value rules applied a column at a time.

A province's roster is a million rows of the same seventeen columns; each rule judging a
column in one pass, and each distinct value of a repeating column once, costs a fraction of
judging a million rows cell by cell (intake/columns.py does that for the smaller files).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress, count
from operator import not_
from typing import Any, TypeVar, cast

from intake.columns import ImportResult, Row, laid_out
from intake.contract import Contract
from intake.layout import Block, turned
from intake.read import Table
from intake.rules import (
    MAX_CHARS,
    MAX_OTHER_CHARS,
    SHORTEST_LIMIT,
    UNIT_CODE_COLUMNS,
    BadValue,
    coded,
    judged,
)
from intake.values import Cell, text

T = TypeVar("T")


def tabulated(table: Table, contract: Contract) -> tuple[ImportResult[Any], DataColumns]:
    """`located`, with the rows of data turned column by column: every rule is then applied to
    a column at once (see ColumnRules)."""
    result, named = laid_out(table, contract)
    return result, DataColumns.of(named, contract)


@dataclass(frozen=True, slots=True)
class _Part:
    """Where one sheet's rows start among a file's, and the columns that sheet has."""

    start: int
    sheet: str
    names: list[str]  # in the order of the sheet's header


@dataclass(frozen=True, slots=True)
class DataColumns:
    """A file's rows of data turned into columns: every contract column, empty (None) in the
    rows of a sheet without it, and where each row is."""

    cells: dict[str, Sequence[Cell]]
    numbers: list[int]
    parts: list[_Part]

    @property
    def present(self) -> set[str]:
        """The columns the file has, in any of its sheets."""
        return {c for part in self.parts for c in part.names}

    @classmethod
    def of(cls, named: list[tuple[Block, dict[str, int]]], contract: Contract) -> DataColumns:
        several = len(named) > 1
        pieces: dict[str, list[Sequence[Cell]]] = {column: [] for column in contract.aliases}
        numbers: list[int] = []
        parts = []
        for block, index in named:
            parts.append(_Part(len(numbers), block.sheet if several else "", list(index)))
            numbers += (n for n, _ in block.rows)
            columns = block.columns
            if columns is None:
                columns = turned([cells for _, cells in block.rows])
            empty = (None,) * len(block.rows)
            for column, piece in pieces.items():
                at = index.get(column)
                piece.append(columns[at] if at is not None and at < len(columns) else empty)
        cells = {
            c: p[0] if len(p) == 1 else tuple(chain.from_iterable(p)) for c, p in pieces.items()
        }
        return cls(cells, numbers, parts)

    def __len__(self) -> int:
        return len(self.numbers)

    def part(self, index: int) -> _Part:
        return self.parts[bisect_right([p.start for p in self.parts], index) - 1]

    def row(self, index: int) -> Row:
        """One row as `located` gives it: its sheet's columns, in its sheet's order."""
        part = self.part(index)
        values = {c: self.cells[c][index] for c in part.names}
        return Row(part.sheet, self.numbers[index], values)


_is_nfc = partial(unicodedata.is_normalized, "NFC")


def column_texts(cells: Sequence[Cell]) -> list[str]:
    """`text` of every cell; a column of clean text (nearly every one) is checked in one pass
    per property and kept as it is."""
    try:
        stripped = list(map(str.strip, cast(Sequence[str], cells)))
    except TypeError:  # a workbook's numbers, dates and empty cells
        return [text(cell) for cell in cells]
    if all(map(str.isprintable, stripped)) and all(map(_is_nfc, stripped)):
        return stripped
    return [text(cell) for cell in stripped]


class ColumnRules:
    """The value rules applied a whole column at a time, to a file's data turned into columns.

    Each rule answers a column of values (None where a row broke it) and notes the rows it
    refused; a row keeps the first rule it broke, so the rules are applied in the order a row's
    cells are read. A repeating column's distinct cells are judged once each; a column of
    values each a person's own (a phone, an address) is matched whole by the pattern that its
    clean values fit, and only the others are judged one by one.
    """

    def __init__(self, columns: DataColumns, repeating: Iterable[str]) -> None:
        self.columns = columns
        self._repeating = frozenset(repeating)
        self._texts: dict[str, list[str]] = {}
        self.refused: dict[int, BadValue] = {}  # a row's position → the first rule it broke

    def texts(self, column: str) -> list[str]:
        if column not in self._texts:
            self._texts[column] = column_texts(self.columns.cells[column])
        return self._texts[column]

    def bounded(self) -> None:
        """`FileRules.bounded`: cells longer than their column allows, unit codes with
        characters a code never has."""
        too_long: dict[int, dict[str, BadValue]] = {}
        for column, cells in self.columns.cells.items():
            limit = MAX_CHARS.get(column, MAX_OTHER_CHARS)
            for at in _longer_than(cells, SHORTEST_LIMIT):
                length = len(text(cells[at]))
                if length > limit:
                    bad = BadValue(column, "too_long", length=length, limit=limit)
                    too_long.setdefault(at, {})[column] = bad
        for at, broken in sorted(too_long.items()):  # the first in its sheet's order of columns
            self._refuse(at, next(broken[c] for c in self.columns.part(at).names if c in broken))
        for column in UNIT_CODE_COLUMNS:
            self._distinct(column, partial(_coded, column=column))

    def checked(
        self,
        column: str,
        parser: Callable[..., T],
        *args: Any,
        plain: Callable[[str], object] | None = None,
    ) -> list[T | None]:
        """`checked` over the column. `plain` tells the clean text that is its own value (a
        mobile number as written), matched over the column in one pass."""

        def judge(cell: Cell) -> T:
            return judged(cell, column, parser, *args)

        if column in self._repeating or column not in self.columns.present:
            return self._distinct(column, judge)
        if plain is None:
            return self._each(column, judge, range(len(self.columns)))[1]
        values: list[Any] = self.texts(column).copy()
        others = compress(count(), map(not_, map(plain, values)))
        for at, value in zip(*self._each(column, judge, others), strict=True):
            values[at] = value
        return values

    def required_text(self, column: str) -> list[str]:
        """`required_text` over the column."""
        values = self.texts(column)
        if not all(values):
            for at in compress(count(), map(not_, values)):
                self._refuse(at, BadValue(column, "required", column=column))
        return values

    def _distinct(self, column: str, judge: Callable[[Cell], Any]) -> list[Any]:
        cells = self.columns.cells[column]
        known: dict[Cell, Any] = {}
        refused: dict[Cell, BadValue] = {}
        for cell in dict.fromkeys(cells):
            try:
                known[cell] = judge(cell)
            except BadValue as refusal:
                known[cell], refused[cell] = None, refusal
        if refused:  # each row its own reject, as a row judged alone would have
            for at in compress(count(), map(refused.__contains__, cells)):
                bad = refused[cells[at]]
                self._refuse(at, BadValue(bad.column, bad.code, **bad.params))
        return list(map(known.__getitem__, cells))

    def _each(
        self, column: str, judge: Callable[[Cell], Any], positions: Iterable[int]
    ) -> tuple[list[int], list[Any]]:
        """Each cell at `positions` judged alone: where they are, and their values."""
        cells = self.columns.cells[column]
        where, values = [], []
        for at in positions:
            try:
                value = judge(cells[at])
            except BadValue as bad:
                self._refuse(at, bad)
                value = None
            where.append(at)
            values.append(value)
        return where, values

    def _refuse(self, at: int, bad: BadValue) -> None:
        self.refused.setdefault(at, bad)


def _coded(cell: Cell, column: str) -> None:
    coded({column: cell}, column)


def _longer_than(cells: Sequence[Cell], limit: int) -> Iterable[int]:
    """The positions of the text cells longer than `limit`, before they are cleaned."""
    try:
        longest = max(map(len, cast(Sequence[str], cells)), default=0)
    except TypeError:  # a cell that is not text: a workbook's number or date, or empty
        longest = limit + 1
    if longest <= limit:
        return ()
    return [at for at, cell in enumerate(cells) if type(cell) is str and len(cell) > limit]
