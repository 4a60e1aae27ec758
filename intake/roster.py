"""The roster contract: columns, value rules and what a bad row gets."""

from __future__ import annotations

from functools import partial
from typing import Any

from core.domain import CadreRecord, DisciplineStatus, LeadershipRole, Reject
from intake.columnar import ColumnRules, DataColumns, tabulated
from intake.columns import ImportResult
from intake.contract import Contract
from intake.read import Table
from intake.rules import BadValue
from intake.values import (
    ACCOUNT,
    DISCIPLINE_STATUSES,
    EMAIL,
    LEADERSHIP_ROLES,
    MOBILE,
    PLAIN_ID,
    RANKS,
    parse_account,
    parse_choice,
    parse_date,
    parse_email,
    parse_employee_id,
    parse_optional_choice,
    parse_party_member,
    parse_phone,
    parse_unit_codes,
    parse_yes_no,
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
    "wecom_user_id": ("企业微信账号", "政务微信账号"),
    "dingtalk_user_id": ("钉钉账号", "浙政钉账号"),
}
REQUIRED = {"employee_id", "name", "unit_code", "unit_name", "post"}
# Columns whose values recur from cadre to cadre, so that each distinct one is judged once.
REPEATING = set(ALIASES) - {
    "employee_id",
    "name",
    "phone",
    "email",
    "wecom_user_id",
    "dingtalk_user_id",
}
CONTRACT = Contract(ALIASES, frozenset(REQUIRED))


RosterResult = ImportResult[CadreRecord]


def parse_roster(table: Table) -> RosterResult:
    """Validate every row; a bad row is rejected with its row number, column and reason.

    The rules run a column at a time (ColumnRules), in the order a row's cells were always
    read, so that a row breaking two of them is rejected for the first.
    """
    result, found = tabulated(table, CONTRACT)
    rules = ColumnRules(found, REPEATING)
    rules.bounded()
    discipline = rules.checked(
        "discipline_status", parse_choice, DISCIPLINE_STATUSES, DisciplineStatus.none
    )
    columns: dict[str, list[Any]] = {
        "employee_id": rules.checked("employee_id", parse_employee_id, plain=PLAIN_ID.fullmatch),
        "name": rules.required_text("name"),
        "unit_code": rules.required_text("unit_code"),
        "unit_name": rules.required_text("unit_name"),
        "post": rules.required_text("post"),
        "parent_unit_code": [code or None for code in rules.texts("parent_unit_code")],
        "rank": rules.checked("rank", parse_optional_choice, RANKS),
        "leadership_role": rules.checked(
            "leadership_role", parse_choice, LEADERSHIP_ROLES, LeadershipRole.none
        ),
        "in_charge_of": rules.checked("in_charge_of", parse_unit_codes),
        "party_member": rules.checked("party_member", parse_party_member),
        "appointed_on": rules.checked("appointed_on", parse_date),
        "reserve_cadre": list(map(bool, rules.checked("reserve_cadre", parse_yes_no))),
        "discipline_status": discipline,
        "discipline_kind": [
            kind or None if status is not DisciplineStatus.none else None
            for kind, status in zip(rules.texts("discipline_status"), discipline, strict=True)
        ],
        "discipline_on": rules.checked("discipline_on", parse_date),
        "key_post": rules.checked("key_post", parse_yes_no),
        "phone": rules.checked("phone", parse_phone, plain=MOBILE.fullmatch),
        "email": rules.checked("email", parse_email, plain=EMAIL.match),
        "wecom_user_id": rules.checked("wecom_user_id", parse_account, plain=ACCOUNT.fullmatch),
        "dingtalk_user_id": rules.checked(
            "dingtalk_user_id", parse_account, plain=ACCOUNT.fullmatch
        ),
    }
    rejects = {at: bad.reject(found.row(at)) for at, bad in rules.refused.items()}
    accepted = _first_of_each_id(columns["employee_id"], found, rules.refused, rejects)
    if len(accepted) < len(found):
        columns = {name: list(map(cells.__getitem__, accepted)) for name, cells in columns.items()}
    # In the record's own order, each built as `CadreRecord._make` builds it but without a
    # Python call per record: a province's 100,000 records in one C pass.
    fields = zip(*(columns[name] for name in CadreRecord._fields), strict=True)
    result.accepted = list(map(partial(tuple.__new__, CadreRecord), fields))
    result.accepted_rows = [found.numbers[at] for at in accepted]
    result.rejects = [rejects[at] for at in sorted(rejects)]
    return result


def _first_of_each_id(
    ids: list[str], found: DataColumns, refused: dict[int, BadValue], rejects: dict[int, Reject]
) -> list[int]:
    """The positions of the rows accepted: those no rule refused, each id's first; a later row
    with the same id is rejected as a duplicate, naming where the id was first."""
    if not refused and len(set(ids)) == len(ids):
        return list(range(len(ids)))
    # Where each id was first seen, not its row: a million rows' values held to the end of the
    # file took a gigabyte.
    first_seen: dict[str, int] = {}
    accepted = []
    for at, employee_id in enumerate(ids):
        if at in refused:
            continue
        if employee_id not in first_seen:
            first_seen[employee_id] = at
            accepted.append(at)
            continue
        row, first = found.row(at), found.row(first_seen[employee_id])
        elsewhere = {"first_sheet": first.sheet} if first.sheet != row.sheet else {}
        duplicate = BadValue(
            "employee_id",
            "duplicate_on_sheet" if elsewhere else "duplicate",
            employee_id=employee_id,
            first_row=first.number,
            **elsewhere,
        )
        rejects[at] = duplicate.reject(row)
    return accepted
