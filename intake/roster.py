"""The roster contract: columns, value rules and what a bad row gets."""

from __future__ import annotations

from dataclasses import dataclass, field

from intake.columns import match_columns
from intake.read import Table
from intake.values import (
    DISCIPLINE_STATUSES,
    LEADERSHIP_ROLES,
    RANKS,
    Cell,
    parse_choice,
    parse_date,
    parse_email,
    parse_party_member,
    parse_phone,
    parse_unit_codes,
    parse_yes_no,
    text,
)
from models.domain import CadreRecord, DisciplineStatus, LeadershipRole, Reject

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


@dataclass
class RosterResult:
    """What a roster gave: the cadres accepted, the rows rejected and the unknown columns."""

    source: str
    sha256: str
    read: int
    accepted: list[CadreRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def parse_roster(table: Table) -> RosterResult:
    """Validate every row; a bad row is rejected with its row number, column and reason."""
    columns = match_columns(table, ALIASES, required=REQUIRED)
    result = RosterResult(table.source, table.sha256, len(table.rows), [], [], columns.unknown)
    first_seen: dict[str, int] = {}
    for number, cells in table.rows:
        raw = {c: text(cells[i]) if i < len(cells) else "" for c, i in columns.index.items()}
        values = {c: cells[i] if i < len(cells) else None for c, i in columns.index.items()}
        try:
            cadre = _cadre(values)
        except _BadValue as bad:
            result.rejects.append(Reject(number, bad.column, bad.reason, raw))
            continue
        if cadre.employee_id in first_seen:
            reason = f"duplicate employee_id {cadre.employee_id}, first on row {first_seen[cadre.employee_id]}"
            result.rejects.append(Reject(number, "employee_id", reason, raw))
            continue
        first_seen[cadre.employee_id] = number
        result.accepted.append(cadre)
    return result


class _BadValue(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def _cadre(values: dict[str, Cell]) -> CadreRecord:
    def required(column: str) -> str:
        value = text(values.get(column))
        if not value:
            raise _BadValue(column, f"{column} is required and is empty")
        return value

    def parsed(column: str, parser, *args):  # type: ignore[no-untyped-def]
        try:
            return parser(values.get(column), *args)
        except ValueError as error:
            raise _BadValue(column, str(error)) from None

    return CadreRecord(
        employee_id=required("employee_id"),
        name=required("name"),
        unit_code=required("unit_code"),
        unit_name=required("unit_name"),
        post=required("post"),
        parent_unit_code=text(values.get("parent_unit_code")) or None,
        rank=parsed("rank", parse_choice, RANKS, None),
        leadership_role=parsed(
            "leadership_role", parse_choice, LEADERSHIP_ROLES, LeadershipRole.none
        ),
        in_charge_of=parse_unit_codes(values.get("in_charge_of")),
        party_member=parse_party_member(values.get("party_member")),
        appointed_on=parsed("appointed_on", parse_date),
        reserve_cadre=bool(parsed("reserve_cadre", parse_yes_no)),
        discipline_status=parsed(
            "discipline_status", parse_choice, DISCIPLINE_STATUSES, DisciplineStatus.none
        ),
        discipline_on=parsed("discipline_on", parse_date),
        key_post=parsed("key_post", parse_yes_no),
        phone=parsed("phone", parse_phone),
        email=parsed("email", parse_email),
    )
