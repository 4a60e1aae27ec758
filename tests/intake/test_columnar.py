"""The roster judged a column at a time decides exactly what judging it row by row decided.

The reference below is the row-by-row validation the roster had before (each row's cells read
in turn, its first broken rule its reason). Rosters are drawn with every kind of mistake a clerk
makes, in several sheets whose columns stand in different orders, with a workbook's numbers and
dates among the text: the accepted records, their rows and every reject must be the same.
"""

from __future__ import annotations

import random
from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain import CadreRecord, DisciplineStatus, LeadershipRole
from intake.columns import ImportResult, located
from intake.read import Sheet, Table
from intake.roster import ALIASES, CONTRACT, REPEATING, parse_roster
from intake.rules import BadValue, FileRules
from intake.values import (
    DISCIPLINE_STATUSES,
    LEADERSHIP_ROLES,
    RANKS,
    Cell,
    parse_account,
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


def row_by_row(table: Table) -> ImportResult[CadreRecord]:
    """The roster's validation as it was, one row at a time."""
    result, rows = located(table, CONTRACT)
    rules = FileRules(REPEATING)
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
        wecom_user_id=rules.checked(values, "wecom_user_id", parse_account),
        dingtalk_user_id=rules.checked(values, "dingtalk_user_id", parse_account),
    )


# What a clerk's roster holds in each column, right and wrong: the wrong values break each
# rule (lengths, codes, choices, dates, phones, addresses, required cells, duplicate ids).
VALUES: dict[str, list[Cell]] = {
    "employee_id": ["E1", "E2", "E3", "E1", " E2 ", "", "E\u200b4", 12345, "E" * 70],
    "name": ["王伟", "李娜", "", "  ", "Ａ" * 65, "e\u0301", "王\u200e伟"],
    "unit_code": ["U1", "U2", "U 1", "U/2", "", "单位1", 7],
    "unit_name": ["市财政局", "市审计局", "", "局" * 129],
    "post": ["科长", "", "副局长"],
    "parent_unit_code": ["", "U0", "U 0", None],
    "rank": ["", "处级", "县处级", "division", "总统"],
    "leadership_role": ["", "主要负责人", "副职", "team_member", "老大"],
    "in_charge_of": ["", "U1;U2", "U3、 U4", "U5，U6"],
    "party_member": ["", "是", "群众", "中共党员", "yes"],
    "appointed_on": ["", "2024-03-01", "2024年3月", "45352", "2023年13月", datetime(2024, 1, 2)],
    "reserve_cadre": ["", "是", "否", "maybe", 1],
    "discipline_status": ["", "无", "诫勉", "受处分", "不知道"],
    "discipline_on": ["", "2025-01-01", "昨天", date(2025, 2, 3)],
    "key_post": ["", "是", "否", "x"],
    "phone": [
        "13800138000",
        "138 0013 8000",
        "+8613800138000",
        "138001380",
        "",
        13800138000,
        "１３８００１３８０００",
    ],
    "email": ["wang@example.cn", "", "wang@", "a b@c.cn", "王@例子.中国"],
    "wecom_user_id": ["WangWei", "", "wang wei", "王伟", "w" * 65],
    "dingtalk_user_id": ["manager4021", "", "a/b", "０１２"],
}
HEADERS = {column: names[0] for column, names in ALIASES.items()}


@st.composite
def rosters(draw: st.DrawFn) -> Table:
    """A roster of one to three sheets, each with its own columns in its own order."""
    seed = draw(st.integers(0, 2**32))
    chance = random.Random(seed)
    sheets = []
    for number in range(draw(st.integers(1, 3))):
        columns = [c for c in ALIASES if c in CONTRACT.required or chance.random() < 0.7]
        chance.shuffle(columns)
        rows: list[tuple[int, list[Cell]]] = [(1, [HEADERS[c] for c in columns])]
        for row in range(2, 2 + draw(st.integers(0, 25))):
            # mostly good values (the first two of each column, an id of its own), now and
            # then anything
            cells = [
                chance.choice(VALUES[c][: 2 if chance.random() < 0.95 else None]) for c in columns
            ]
            if chance.random() < 0.8:
                cells[columns.index("employee_id")] = f"E{number}{row:03d}"
            rows.append((row, cells[: chance.choice([len(cells), len(cells), len(cells) - 1])]))
        sheets.append(Sheet(f"单位{number}", rows))
    return Table("roster.xlsx", "0" * 64, sheets)


@settings(max_examples=400, deadline=None)
@given(rosters())
def test_judged_by_column_as_row_by_row(table: Table) -> None:
    expected, found = row_by_row(table), parse_roster(table)
    assert expected.accepted == found.accepted
    assert expected.accepted_rows == found.accepted_rows
    assert expected.rejects == found.rejects
    assert expected.read == found.read
