"""Lines of a sheet that are not data: totals and footers, told by their first words, and shown."""

from __future__ import annotations

import re

from intake.values import FOLDABLE_CHARS, Cell, text

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
