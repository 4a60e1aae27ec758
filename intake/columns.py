"""Matching a file's headers, in English or Chinese, to the contract's canonical columns."""

from __future__ import annotations

from dataclasses import dataclass

from intake.read import Table
from lianjie.exceptions import UnreadableFileError


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
