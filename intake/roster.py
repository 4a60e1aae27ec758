"""The roster contract: columns, value rules and what a bad row gets."""

from __future__ import annotations

from core.domain import CadreRecord, DisciplineStatus, LeadershipRole
from intake.columns import (
    BadValue,
    FileRules,
    ImportResult,
    located,
)
from intake.layout import Contract
from intake.read import Table
from intake.values import (
    DISCIPLINE_STATUSES,
    LEADERSHIP_ROLES,
    RANKS,
    Cell,
    parse_choice,
    parse_date,
    parse_email,
    parse_optional_choice,
    parse_party_member,
    parse_phone,
    parse_unit_codes,
    parse_yes_no,
    text,
)

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("工号", "人员编号"),
    "name": ("姓名",),
    "unit_code": ("单位编码", "单位代码"),
    "unit_name": ("单位名称", "单位"),
    "parent_unit_code": ("上级单位编码",),
    "post": ("职务", "现任职务"),
    "rank": ("职级",),
    "leadership_role": ("领导职务类别", "班子职务"),
    "in_charge_of": ("分管单位",),
    "party_member": ("是否党员", "政治面貌"),
    "appointed_on": ("任现职时间",),
    "reserve_cadre": ("是否后备干部",),
    "discipline_status": ("纪律状况",),
    "discipline_on": ("处分/函询时间",),
    "key_post": ("是否关键岗位",),
    "phone": ("手机", "手机号码"),
    "email": ("邮箱", "电子邮箱"),
}
REQUIRED = {"employee_id", "name", "unit_code", "unit_name", "post"}
# Columns whose values recur from cadre to cadre, so that each distinct one is judged once.
REPEATING = set(ALIASES) - {"employee_id", "name", "phone", "email"}
CONTRACT = Contract(ALIASES, frozenset(REQUIRED))


RosterResult = ImportResult[CadreRecord]


def parse_roster(table: Table) -> RosterResult:
    """Validate every row; a bad row is rejected with its row number, column and reason."""
    result, rows = located(table, CONTRACT)
    rules = FileRules(REPEATING)
    # Where each id was first seen, not its row: a million rows' values held to the end of the
    # file took a gigabyte.
    first_seen: dict[str, tuple[str, int]] = {}
    for row in rows:
        try:
            cadre = _cadre(row.values, rules)
        except BadValue as bad:
            result.rejects.append(bad.reject(row))
            continue
        if cadre.employee_id in first_seen:
            first_sheet, first_row = first_seen[cadre.employee_id]
            elsewhere = {"first_sheet": first_sheet} if first_sheet != row.sheet else {}
            duplicate = BadValue(
                "employee_id",
                "duplicate_on_sheet" if elsewhere else "duplicate",
                employee_id=cadre.employee_id,
                first_row=first_row,
                **elsewhere,
            )
            result.rejects.append(duplicate.reject(row))
            continue
        first_seen[cadre.employee_id] = (row.sheet, row.number)
        result.accepted.append(cadre)
        result.accepted_rows.append(row.number)
    return result


def _cadre(values: dict[str, Cell], rules: FileRules) -> CadreRecord:
    rules.bounded(values)
    discipline = rules.checked(
        values, "discipline_status", parse_choice, DISCIPLINE_STATUSES, DisciplineStatus.none
    )
    return CadreRecord(
        employee_id=rules.required_text(values, "employee_id"),
        name=rules.required_text(values, "name"),
        unit_code=rules.required_text(values, "unit_code"),
        unit_name=rules.required_text(values, "unit_name"),
        post=rules.required_text(values, "post"),
        parent_unit_code=text(values.get("parent_unit_code")) or None,
        rank=rules.checked(values, "rank", parse_optional_choice, RANKS),
        leadership_role=rules.checked(
            values, "leadership_role", parse_choice, LEADERSHIP_ROLES, LeadershipRole.none
        ),
        in_charge_of=rules.checked(values, "in_charge_of", parse_unit_codes),
        party_member=rules.checked(values, "party_member", parse_party_member),
        appointed_on=rules.checked(values, "appointed_on", parse_date),
        reserve_cadre=bool(rules.checked(values, "reserve_cadre", parse_yes_no)),
        discipline_status=discipline,
        discipline_kind=(
            text(values.get("discipline_status")) or None
            if discipline is not DisciplineStatus.none
            else None
        ),
        discipline_on=rules.checked(values, "discipline_on", parse_date),
        key_post=rules.checked(values, "key_post", parse_yes_no),
        phone=rules.checked(values, "phone", parse_phone),
        email=rules.checked(values, "email", parse_email),
    )
