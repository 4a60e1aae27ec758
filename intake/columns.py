"""Matching a file's headers, in English or Chinese, to the contract's canonical columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from intake.read import Table
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
    return Columns(index, unknown)


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


class BadValue(Exception):
    """Raised for a row whose value in `column` breaks the contract; the row is rejected."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def checked(values: dict[str, Cell], column: str, parser: Callable[..., T], *args: Any) -> T:
    """Parse one cell, turning the parser's ValueError into a BadValue naming the column."""
    try:
        return parser(values.get(column), *args)
    except ValueError as error:
        raise BadValue(column, str(error)) from None


def required_text(values: dict[str, Cell], column: str) -> str:
    value = text(values.get(column))
    if not value:
        raise BadValue(column, f"{column} is required and is empty")
    return value


def as_written(values: dict[str, Cell]) -> dict[str, str]:
    """A rejected row's cells as text, kept so that a clerk sees what the row said."""
    return {column: text(value) for column, value in values.items()}
