"""The completion-data contract: rows matched to the quarter's cadres, sessions and programmes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date

from core.domain import CompletionStatus
from intake.columns import ImportResult, located
from intake.contract import Contract
from intake.read import Table
from intake.rules import BadValue, FileRules
from intake.values import (
    COMPLETION_STATUSES,
    Cell,
    parse_choice,
    parse_date,
    parse_employee_id,
    parse_number,
    text,
)

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("工号",),
    "session_code": ("场次编号",),
    "programme": ("培训项目", "教育项目"),
    # a learning platform's own words: 完成时间 / 完成日期, 学习状态 / 完成状态
    "attended_on": ("日期", "参训日期", "完成时间", "完成日期"),
    "status": ("状态", "参训情况", "学习状态", "完成状态"),
    "score": ("成绩", "测试成绩"),
    "hours": ("学时",),
}

CONTRACT = Contract(
    ALIASES, frozenset({"employee_id"}), one_of=(frozenset({"session_code", "programme"}),)
)
# A learning platform's "still at it": neither done nor missed, listed beside the blank rows.
IN_PROGRESS = frozenset({"学习中", "进行中", "未学完"})
# Columns whose values recur from row to row, so that each distinct one is judged once.
REPEATING = {"attended_on", "status", "score", "hours"}


@dataclass(frozen=True, slots=True)
class CompletionRecord:
    """One accepted row of completion data."""

    row: int
    employee_id: str
    programme_code: str
    session_code: str | None
    status: CompletionStatus
    attended_on: date | None
    score: float | None
    hours: float | None


CompletionResult = ImportResult[CompletionRecord]


def parse_completions(
    table: Table,
    *,
    cadres: Mapping[str, AbstractSet[str]],
    sessions: Mapping[str, Sequence[str]],
    programmes: Mapping[str, str],
) -> CompletionResult:
    """Validate rows against the quarter.

    `cadres` maps each cadre on the roster to the programmes they must do; `sessions` maps a
    session code to the programmes seated in it (its own first, then joint ones); `programmes`
    maps a programme's code or name (either language) to its code.
    """
    result, named = located(table, CONTRACT)
    rules = FileRules(REPEATING)
    for row in named:  # one at a time: a province's sheets are millions of rows
        pending = text(row.values.get("status")) in IN_PROGRESS
        if not_filled_in(row.values) or pending:
            # listed for the clerk, neither done nor missed, and not counted as a row read
            who = f"{row.where}: {text(row.values.get('employee_id'))}"
            result.not_filled_in.append(f"{who} ({text(row.values['status'])})" if pending else who)
            result.read -= 1
            continue
        try:
            result.accepted.append(
                _record(row.number, row.values, rules, cadres, sessions, programmes)
            )
        except BadValue as bad:
            result.rejects.append(bad.reject(row))
    return result


def not_filled_in(values: dict[str, Cell]) -> bool:
    """A row of a sign-in sheet's workbook that the clerk left as it came: the file has a
    status column, and this row has no status, no score, no hours and no date. Without a
    status column a row means attended, as the contract says."""
    return (
        "status" in values
        and bool(text(values.get("employee_id")))
        and not any(text(values.get(c)) for c in ("status", "score", "hours", "attended_on"))
    )


def _record(
    number: int,
    values: dict[str, Cell],
    rules: FileRules,
    cadres: Mapping[str, AbstractSet[str]],
    sessions: Mapping[str, Sequence[str]],
    programmes: Mapping[str, str],
) -> CompletionRecord:
    rules.bounded(values)
    employee_id = rules.checked(values, "employee_id", parse_employee_id)
    if employee_id not in cadres:
        raise BadValue("employee_id", "unknown_cadre", employee_id=employee_id)
    session_code = text(values.get("session_code")).upper() or None
    programme_given = text(values.get("programme"))
    if session_code:
        if session_code not in sessions:
            raise BadValue("session_code", "unknown_session", session_code=session_code)
        # In a joint session (top leaders with team members) each person attends for their own
        # programme: the one they must do, else the session's own.
        seated = sessions[session_code]
        programme_code = next((p for p in seated if p in cadres[employee_id]), seated[0])
    elif programme_given:
        found = programmes.get(programme_given) or programmes.get(programme_given.upper())
        if found is None:
            raise BadValue("programme", "unknown_programme", programme=programme_given)
        programme_code = found
    else:
        raise BadValue("session_code", "session_or_programme")
    status = rules.checked(
        values, "status", parse_choice, COMPLETION_STATUSES, CompletionStatus.attended
    )
    return CompletionRecord(
        row=number,
        employee_id=employee_id,
        programme_code=programme_code,
        session_code=session_code,
        status=status,
        attended_on=rules.checked(values, "attended_on", parse_date),
        score=rules.checked(values, "score", parse_number, 0, 100),
        hours=rules.checked(values, "hours", parse_number, 0),
    )
