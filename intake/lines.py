"""Lines of a sheet that are not data: totals, footers and repeated headers, told by their
first words or the columns they name, and shown."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, count, filterfalse
from typing import cast

from intake.contract import Contract
from intake.values import FOLDABLE_CHARS, Cell, text

# A header row names at least this many of the contract's columns; a title never does.
LEAST_NAMED = 2

# A totals row starts with one of these (合计, 小计 per unit, …), wherever it stands.
TOTALS = ("合计", "小计", "总计", "共计", "总数", "total", "subtotal", "grand total")

# After the data, the lines of whoever filled the sheet in, checked it or wants to explain it.
FOOTERS = (
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "审批人",
    "经办人",
    "负责人",
    "联系人",
    "联系电话",
    "签字",
    "签名",
    "盖章",
    "单位盖章",
    "填表日期",
    "填报日期",
    "日期",
    "备注",
    "说明",
    "注：",
    "注:",
    "prepared by",
    "checked by",
    "approved by",
    "signed",
    "signature",
    "contact",
    "date:",
    "note",
    "remark",
)


def _squeezed(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(re.sub(r"\s+", "", w.casefold()) for w in words)


_TOTALS, _FOOTERS = _squeezed(TOTALS), _squeezed(FOOTERS)


def _loosely(word: str) -> str:
    """A squeezed word as a pattern over a cell before `text` cleans it: spaces, unseen and
    foldable characters may stand between its letters."""
    gap = rf"[\s{FOLDABLE_CHARS}]*"
    return gap.join(f"[{re.escape(c)}{FOLDABLE_CHARS}]" for c in word)


# Whether a first cell, casefolded, may start a total: empty (the line's first words are further
# right), or a total's word however spaced. Looser than `total`, never stricter: it only
# spares the exact test the lines that cannot be totals.
MAY_START_A_TOTAL = re.compile(
    rf"[\s{FOLDABLE_CHARS}]*(?:$|{'|'.join(_loosely(w) for w in _TOTALS)})"
).match


def total(cells: list[Cell]) -> bool:
    """Whether a line is a total (合计, 小计, …), wherever it stands."""
    return _first(cells).startswith(_TOTALS)


def footer(cells: list[Cell]) -> bool:
    """Whether a line may end a sheet: a signature, a date, a note, or a total."""
    return _first(cells).startswith(_FOOTERS + _TOTALS)


def _first(cells: list[Cell]) -> str:
    """A line's first words without spaces or case, as TOTALS and FOOTERS are compared:
    "合  计" is 合计, "Prepared By" is "prepared by"."""
    first = next((t for c in cells if (t := text(c))), "")
    return "".join(first.casefold().split())  # str.split's whitespace is re's \s


# A footer is shown in summaries and logs: the phone number or address of whoever filled the
# sheet in is not (see also policy.confidentiality.shown_reason).
PERSONAL = re.compile(r"\+?\d(?:[\- ]?\d){8,}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # 9+ digits: no date


def shown(cells: list[Cell]) -> str:
    """A line as one text, cut short, with its phone numbers and addresses left out."""
    joined = "  ".join(t for c in cells if (t := text(c)))
    kept = PERSONAL.sub("…", joined)
    return kept if len(kept) <= 120 else kept[:119] + "…"


def maybe_not_data(columns: Sequence[Sequence[Cell]], contract: Contract) -> set[int]:
    """The rows that may be a total or the header repeated, found column by column; only they
    are asked `not_data`. A province's roster has a million rows and nearly none of them.

    A repeated header has a cell naming a column, and a total's first words start it (or its
    first cell is empty and they stand further right); every other row is data.
    """
    suspects: set[int] = set()
    for position, column in enumerate(columns):
        suspects.update(
            _where(
                column,
                contract.may_name,
                lambda c: contract.named_by(c) is not None,
                ruled_out=contract.never_names,
            )
        )
        if position == 0:
            suspects.update(_where(column, MAY_START_A_TOTAL, lambda c: not text(c) or total([c])))
    return suspects


def _where(
    column: Sequence[Cell],
    may: Callable[[str], object],
    holds: Callable[[Cell], bool],
    *,
    ruled_out: Callable[[str], object] | None = None,
) -> Iterable[int]:
    """The positions of the cells that `holds` for, asked once per distinct cell, and only of
    those that `may` (a quick test of the casefolded cell, in one pass) lets through; cells
    that `ruled_out` answers as they are (ids, phone numbers) are not casefolded at all."""
    distinct = list(set(column))
    try:
        strings = cast(list[str], distinct)
        if ruled_out is not None:
            strings = list(filterfalse(ruled_out, strings))
        folded = list(map(str.casefold, strings))
        distinct = cast(list[Cell], strings)
    except TypeError:  # a workbook's numbers, dates and empty cells (`distinct` as it was)
        folded = [text(cell).casefold() for cell in distinct]
    hits = set(filter(holds, compress(distinct, map(may, folded))))
    if not hits:
        return ()
    return compress(count(), map(hits.__contains__, column))


def not_data(cells: list[Cell], contract: Contract) -> str | None:
    """What a line among the data is when it is not data: a total, or the header repeated
    (a sheet printed page by page repeats it)."""
    if total(cells):
        return "total"
    named: set[str] = set()
    for cell in cells:
        column = contract.named_by(cell)
        if column is not None:
            named.add(column)
            if len(named) >= LEAST_NAMED:
                return "header"
    return None
