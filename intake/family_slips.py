"""Families' return slips (回执) as the office lists them: a workbook of 工号, 家属姓名 and
回执日期, recognised by its header and read back through `lianjie collect`. A rejected row keeps
no cell: its cells would name a family member in every list of rejects."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from core.families import ReturnedSlip
from intake.columns import ImportResult, located, names_columns
from intake.contract import Contract
from intake.read import Table
from intake.rules import BadValue, FileRules
from intake.values import Cell, parse_date, parse_employee_id, text

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("工号",),
    "cadre": ("干部姓名",),
    "unit": ("单位",),
    "name": ("家属姓名",),
    "relation": ("关系",),
    "returned_on": ("回执日期",),
    "note": ("备注",),
}
CONTRACT = Contract(ALIASES, frozenset({"employee_id", "name", "returned_on"}))

SlipsResult = ImportResult[ReturnedSlip]


def is_slip_list(table: Table) -> bool:
    """Whether a table lists return slips: its header names a family member and a slip's day."""
    return names_columns(table, CONTRACT, {"employee_id", "name", "returned_on"})


def parse_slips(table: Table, *, kept: frozenset[str], today: date) -> SlipsResult:
    """Each row with a 回执日期, checked: a family member kept (`kept`: their contact keys) and
    a day not still to come. A row without a day is a slip not back: nothing to record."""
    result, named = located(table, CONTRACT)
    rules = FileRules(set())
    for row in named:
        if not text(row.values.get("returned_on")):
            result.read -= 1
            continue
        try:
            result.accepted.append(_slip(row.number, row.values, rules, kept, today))
        except BadValue as bad:
            result.rejects.append(replace(bad.reject(row), values={}))
    return result


def _slip(
    number: int, values: dict[str, Cell], rules: FileRules, kept: frozenset[str], today: date
) -> ReturnedSlip:
    employee_id = rules.checked(values, "employee_id", parse_employee_id)
    name = rules.required_text(values, "name")
    returned_on = rules.checked(values, "returned_on", parse_date)
    if returned_on is None:
        raise BadValue("returned_on", "required", column="returned_on")
    if returned_on > today:
        raise BadValue("returned_on", "day_to_come", value=returned_on.isoformat())
    slip = ReturnedSlip(number, employee_id, name, returned_on)
    if slip.key not in kept:
        raise BadValue("name", "no_such_family", employee_id=employee_id)
    return slip
