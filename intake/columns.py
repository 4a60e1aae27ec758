"""Matching a file's headers, in English or Chinese, to the contract's canonical columns."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from intake.read import Table
from intake.reasons import Broken
from intake.values import Cell, text
from lianjie.exceptions import UnreadableFileError
from models.domain import Reject

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each canonical column sits in the file, and the headers nobody asked for."""

    index: dict[str, int]
    unknown: list[str]
    hints: list[str] = field(default_factory=list)  # "任职时间: did you mean 任现职时间?"

    def missing(self, aliases: dict[str, tuple[str, ...]]) -> list[str]:
        """The contract's columns the file does not have, in the contract's order."""
        return [c for c in aliases if c not in self.index]


def match_columns(
    table: Table,
    aliases: dict[str, tuple[str, ...]],
    *,
    required: set[str],
    one_of: tuple[set[str], ...] = (),
) -> Columns:
    """Map headers to canonical names (case-insensitive, trimmed); fail on a missing column."""
    lookup = {name.casefold(): canonical for canonical, names in aliases.items() for name in names}
    lookup |= {canonical.casefold(): canonical for canonical in aliases}
    index: dict[str, int] = {}
    unknown: list[str] = []
    for position, header in enumerate(table.header):
        canonical = lookup.get(header.strip().casefold())
        if canonical is None:
            if header.strip():
                unknown.append(header.strip())
        elif canonical in index:
            raise UnreadableFileError(f"{table.source}: column {header!r} appears twice")
        else:
            index[canonical] = position
    missing = sorted(required - index.keys())
    if missing:
        names = ", ".join(f"{m} ({'/'.join(aliases[m])})" for m in missing)
        raise UnreadableFileError(f"{table.source}: required column missing: {names}")
    for group in one_of:
        if not group & index.keys():
            names = " or ".join(sorted(group))
            raise UnreadableFileError(f"{table.source}: needs a column {names}")
    return Columns(index, unknown, _hints(unknown, aliases, found=index.keys()))


def _hints(
    unknown: list[str], aliases: dict[str, tuple[str, ...]], *, found: Iterable[str]
) -> list[str]:
    """An ignored header close to a missing column's name is most likely that column mistyped."""
    missing = {n: c for c, names in aliases.items() if c not in found for n in (c, *names)}
    hints = []
    for header in unknown:
        close = difflib.get_close_matches(header.casefold(), missing, n=1, cutoff=0.75)
        if close:
            hints.append(f"{header}: did you mean {close[0]}?")
    return hints


@dataclass
class ImportResult(Generic[R]):
    """What a file gave: the records accepted, the rows rejected and the unknown columns.

    Nothing is lost: `read` always equals accepted plus rejected.
    """

    source: str
    sha256: str
    read: int
    accepted: list[R] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)  # optional ones the file lacks
    header_hints: list[str] = field(default_factory=list)
    accepted_rows: list[int] = field(default_factory=list)  # each accepted record's row


class BadValue(Exception):
    """Raised for a row whose value in `column` breaks the contract; the row is rejected."""

    def __init__(self, column: str, code: str, /, **params: object) -> None:
        broken = Broken(code, **params)
        super().__init__(str(broken))
        self.column, self.reason, self.code, self.params = column, str(broken), code, broken.params

    def reject(self, row: int, values: dict[str, Cell]) -> Reject:
        return Reject(row, self.column, self.reason, as_written(values), self.code, self.params)


# The longest a cell may be, by column: a longer one is a broken export (and would cost a
# report page's layout dearly); any other column takes up to MAX_OTHER_CHARS.
MAX_CHARS = {
    "employee_id": 64,
    "name": 64,
    "unit_code": 64,
    "parent_unit_code": 64,
    "unit_name": 128,
    "post": 128,
}
MAX_OTHER_CHARS = 1_000
UNIT_CODE = re.compile(r"^[\w.\-]+$")  # letters (any script), digits, '.', '_' and '-'


def bounded(values: dict[str, Cell]) -> None:
    """Refuse a row with a cell longer than its column allows, or a unit code with spaces,
    slashes or other characters a code never has."""
    for column, cell in values.items():
        if type(cell) is str and len(cell) > MAX_CHARS.get(column, 64):
            length, limit = len(text(cell)), MAX_CHARS.get(column, MAX_OTHER_CHARS)
            if length > limit:
                raise BadValue(column, "too_long", length=length, limit=limit)
    for column in ("unit_code", "parent_unit_code"):
        code = text(values.get(column))
        if code and not UNIT_CODE.match(code):
            raise BadValue(column, "bad_code", value=code)


def checked(values: dict[str, Cell], column: str, parser: Callable[..., T], *args: Any) -> T:
    """Parse one cell, turning the parser's complaint into a BadValue naming the column."""
    try:
        return parser(values.get(column), *args)
    except Broken as broken:
        raise BadValue(column, broken.code, **broken.params) from None
    except ValueError as error:  # a rule without a code of its own yet
        raise BadValue(column, "other", reason=error) from None


def required_text(values: dict[str, Cell], column: str) -> str:
    value = text(values.get(column))
    if not value:
        raise BadValue(column, "required", column=column)
    return value


def as_written(values: dict[str, Cell]) -> dict[str, str]:
    """A rejected row's cells as text, kept so that a clerk sees what the row said."""
    return {column: text(value) for column, value in values.items()}
