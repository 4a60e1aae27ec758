"""A talk register handed back (谈话登记表): the rows of talks held, matched to the talks open.

Recognised by its header (谈话类型 and 应谈日期 beside 工号): a row with a 谈话日期 is a talk
held; a row without one whose 备注 says 免谈：reason (or "waived: reason") is a talk waived; any
other row without one is a talk still owed, left as it was and listed for the clerk."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from core.talks import HeldTalk, TalkKind
from intake.columns import ImportResult, located, names_columns
from intake.contract import Contract
from intake.read import Table
from intake.rules import BadValue, FileRules
from intake.values import Cell, parse_date, parse_employee_id, text

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("工号",),
    "name": ("姓名",),
    "unit": ("单位",),
    "kind": ("谈话类型",),
    "due_on": ("应谈日期",),
    "held_on": ("谈话日期",),
    "talker": ("谈话人",),
    "place": ("地点",),
    "recorder": ("记录人",),
    "pledge_signed_on": ("承诺书签署日期",),
    "note": ("备注",),
}
# 备注 of a talk not held, and why: 免谈：调任他职 / waived: transferred
WAIVED = re.compile(r"^\s*(?:免谈|waived)\s*[:：]?(?P<reason>.*)$", re.IGNORECASE | re.DOTALL)
CONTRACT = Contract(ALIASES, frozenset({"employee_id", "kind", "held_on"}))
REPEATING = {"kind", "due_on", "held_on", "talker", "place", "recorder", "pledge_signed_on"}


TalkResult = ImportResult[HeldTalk]


def is_talk_register(table: Table) -> bool:
    """Whether a table is a talk register: its header names the talk's kind and due day."""
    return names_columns(table, CONTRACT, {"employee_id", "kind", "due_on"})


def parse_talk_register(
    table: Table, *, kinds: Mapping[str, TalkKind], cadres: frozenset[str], today: date
) -> TalkResult:
    """Each row with a talk's day, checked: a cadre on the roster, a kind of talk (`kinds`
    maps each kind's words, in either language, and its code), a day not still to come."""
    result, named = located(table, CONTRACT)
    rules = FileRules(REPEATING)
    for row in named:
        waived = WAIVED.match(text(row.values.get("note")))
        if not text(row.values.get("held_on")) and waived:
            try:
                result.accepted.append(
                    _waived(row.number, row.values, rules, kinds, cadres, waived)
                )
            except BadValue as bad:
                result.rejects.append(bad.reject(row))
            continue
        if not text(row.values.get("held_on")):  # still owed: the register went out so
            result.not_filled_in.append(f"{row.where}: {text(row.values.get('employee_id'))}")
            result.read -= 1
            continue
        try:
            result.accepted.append(_held(row.number, row.values, rules, kinds, cadres, today))
        except BadValue as bad:
            result.rejects.append(bad.reject(row))
    return result


def _waived(
    number: int,
    values: dict[str, Cell],
    rules: FileRules,
    kinds: Mapping[str, TalkKind],
    cadres: frozenset[str],
    said: re.Match[str],
) -> HeldTalk:
    employee_id, kind = _whose(values, rules, kinds, cadres)
    reason = said.group("reason").strip()
    if not reason:
        raise BadValue("note", "waived_without_reason")
    return HeldTalk(number, employee_id, kind, None, "", "", text(values.get("note")), None, reason)


def _whose(
    values: dict[str, Cell],
    rules: FileRules,
    kinds: Mapping[str, TalkKind],
    cadres: frozenset[str],
) -> tuple[str, TalkKind]:
    """The row's cadre, on the roster, and its kind of talk."""
    rules.bounded(values)
    employee_id = rules.checked(values, "employee_id", parse_employee_id)
    if employee_id not in cadres:
        raise BadValue("employee_id", "unknown_cadre", employee_id=employee_id)
    given = text(values.get("kind"))
    kind = kinds.get(given) or kinds.get(given.casefold())
    if kind is None:
        raise BadValue("kind", "unknown_talk_kind", kind=given)
    return employee_id, kind


def _held(
    number: int,
    values: dict[str, Cell],
    rules: FileRules,
    kinds: Mapping[str, TalkKind],
    cadres: frozenset[str],
    today: date,
) -> HeldTalk:
    employee_id, kind = _whose(values, rules, kinds, cadres)
    held_on = rules.checked(values, "held_on", parse_date)
    if held_on is None:
        raise BadValue("held_on", "required", column="held_on")
    signed_on = rules.checked(values, "pledge_signed_on", parse_date)
    for column, day in (("held_on", held_on), ("pledge_signed_on", signed_on)):
        if day is not None and day > today:
            raise BadValue(column, "day_to_come", value=day.isoformat())
    return HeldTalk(
        row=number,
        employee_id=employee_id,
        kind=kind,
        held_on=held_on,
        place=text(values.get("place")),
        recorder=text(values.get("recorder")),
        note=text(values.get("note")),
        pledge_signed_on=signed_on,
    )
