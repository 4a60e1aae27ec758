"""A kind of file's columns: their names in every language, as clerks type them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from intake.values import FOLDABLE_CHARS, Cell, text


@dataclass(frozen=True)
class Contract:
    """The columns a kind of file has: their names in every language, and which it must have."""

    aliases: dict[str, tuple[str, ...]]
    required: frozenset[str]
    one_of: tuple[frozenset[str], ...] = ()
    lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    # Whether a cell names a column, for the rows that may repeat the header: most cells
    # (units, posts, ranks, dates) recur from row to row, so each distinct cell is answered
    # once, within a bound for the cells unique to a person.
    named_by: Callable[[Cell], str | None] = field(init=False, repr=False, compare=False)
    # Whether a casefolded cell is made only of characters a column's name may hold (and those
    # `text` may take out): a name, a phone number or an address nearly never is.
    may_name: Callable[[str], object] = field(init=False, repr=False, compare=False)
    # Whether a cell, as it is, holds an ASCII character no name holds even casefolded (a digit,
    # "@"): such a cell never names a column, and is ruled out without being casefolded.
    never_names: Callable[[str], object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {n: c for c, aliases in self.aliases.items() for n in (c, *aliases)}
        object.__setattr__(self, "lookup", {header_key(n): c for n, c in names.items()})
        named_by = lru_cache(maxsize=1 << 16, typed=True)(lambda cell: self.canonical(text(cell)))
        object.__setattr__(self, "named_by", named_by)
        letters = re.escape("".join(sorted(set("".join(self.lookup)))))
        may_name = re.compile(rf"[{letters}\s_\-{FOLDABLE_CHARS}]+").fullmatch
        object.__setattr__(self, "may_name", may_name)
        never = "".join(re.escape(c) for c in map(chr, range(128)) if not may_name(c.casefold()))
        object.__setattr__(self, "never_names", re.compile(f"[{never}]").search)

    def canonical(self, name: str) -> str | None:
        """The contract's column a header names, if any."""
        key = name.strip().casefold()
        if key.isalnum():  # nothing for header_key to take out: every cell of data is asked
            return self.lookup.get(key)
        return self.lookup.get(header_key(key))

    def describe(self, columns: list[str]) -> str:
        return ", ".join(f"{c} ({'/'.join(self.aliases[c])})" for c in columns)


def header_key(name: str) -> str:
    """A header as typed, reduced to what identifies it: case, padding ("工  号", as clerks
    align them), line breaks inside a cell, and "unit code" for unit_code do not count."""
    key = name.strip().casefold()
    if key.isascii():
        return re.sub(r"[\s_\-]+", "_", key)
    return re.sub(r"\s+", "", key)
