"""The rules a row's cells must keep: lengths, codes, required text, and each column's parser,
judged once per distinct value of a repeating column. A broken rule rejects the row alone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from core.domain import Reject
from intake.columns import Row
from intake.reasons import Broken
from intake.values import Cell, text

T = TypeVar("T")


class BadValue(Exception):
    """Raised for a row whose value in `column` breaks the contract; the row is rejected."""

    def __init__(self, column: str, code: str, /, **params: object) -> None:
        broken = Broken(code, **params)
        super().__init__(str(broken))
        self.column, self.reason, self.code, self.params = column, str(broken), code, broken.params

    def reject(self, row: Row) -> Reject:
        return Reject(
            row.number,
            self.column,
            self.reason,
            as_written(row.values),
            self.code,
            self.params,
            sheet=row.sheet,
        )


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
SHORTEST_LIMIT = min(*MAX_CHARS.values(), MAX_OTHER_CHARS)
UNIT_CODE = re.compile(r"^[\w.\-]+$")  # letters (any script), digits, '.', '_' and '-'
UNIT_CODE_COLUMNS = ("unit_code", "parent_unit_code")


def _within_lengths(values: dict[str, Cell]) -> None:
    for column, cell in values.items():
        if type(cell) is str and len(cell) > SHORTEST_LIMIT:  # nearly no cell: then exactly
            length, limit = len(text(cell)), MAX_CHARS.get(column, MAX_OTHER_CHARS)
            if length > limit:
                raise BadValue(column, "too_long", length=length, limit=limit)


def coded(values: dict[str, Cell], column: str) -> None:
    code = text(values.get(column))
    if code and not UNIT_CODE.match(code):
        raise BadValue(column, "bad_code", value=code)


def checked(values: dict[str, Cell], column: str, parser: Callable[..., T], *args: Any) -> T:
    """Parse one cell, turning the parser's complaint into a BadValue naming the column."""
    return judged(values.get(column), column, parser, *args)


def judged(cell: Cell, column: str, parser: Callable[..., T], *args: Any) -> T:
    """`checked`, of a cell on its own."""
    try:
        return parser(cell, *args)
    except Broken as broken:
        raise BadValue(column, broken.code, **broken.params) from None
    except ValueError as error:  # a rule without a code of its own yet
        raise BadValue(column, "other", reason=error) from None


def required_text(values: dict[str, Cell], column: str) -> str:
    value = text(values.get(column))
    if not value:
        raise BadValue(column, "required", column=column)
    return value


_NOT_YET = object()


@dataclass(frozen=True, slots=True)
class _Refused:
    code: str
    params: dict[str, str]


class FileRules:
    """The value rules applied over one file, each distinct cell of a repeating column judged
    once: a province's roster gives the same rank, role, yes/no, unit and date tens of thousands
    of times. Columns that differ from person to person (name, phone, e-mail) are not listed as
    repeating and are judged every time; there would be nothing to remember but memory."""

    def __init__(self, repeating: Iterable[str]) -> None:
        self._repeating = frozenset(repeating)
        self._known: dict[tuple[str, object, Cell], object] = {}

    def bounded(self, values: dict[str, Cell]) -> None:
        """Refuse a row with a cell longer than its column allows, or a unit code with spaces,
        slashes or other characters a code never has."""
        _within_lengths(values)
        for column in UNIT_CODE_COLUMNS:
            self._judged(values, column, coded, coded)

    def checked(
        self, values: dict[str, Cell], column: str, parser: Callable[..., T], *args: Any
    ) -> T:
        """`checked`, remembered for a repeating column."""
        return cast(T, self._judged(values, column, parser, checked, parser, *args))

    def required_text(self, values: dict[str, Cell], column: str) -> str:
        """`required_text`, remembered for a repeating column."""
        return cast(str, self._judged(values, column, required_text, required_text))

    def _judged(
        self,
        values: dict[str, Cell],
        column: str,
        rule: object,
        judge: Callable[..., object],
        *args: Any,
    ) -> object:
        """`judge(values, column, *args)`, or what it answered before for the same rule and
        cell; a rule's refusal is raised anew, so that each row's reject is its own."""
        if column not in self._repeating:
            return judge(values, column, *args)
        key = (column, rule, values.get(column))
        known = self._known.get(key, _NOT_YET)
        if known is _NOT_YET:
            try:
                known = judge(values, column, *args)
            except BadValue as bad:
                known = _Refused(bad.code, bad.params)
            self._known[key] = known
        if type(known) is _Refused:
            raise BadValue(column, known.code, **known.params)
        return known


def as_written(values: dict[str, Cell]) -> dict[str, str]:
    """A rejected row's cells as text, kept so that a clerk sees what the row said."""
    return {column: text(value) for column, value in values.items()}
