"""The completion-data contract: rows matched to the quarter's cadres, sessions and programmes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from intake.columns import match_columns
from intake.read import Table
from intake.values import COMPLETION_STATUSES, parse_choice, parse_date, parse_number, text
from models.domain import CompletionStatus, Reject

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("工号",),
    "session_code": ("场次编号",),
    "programme": ("培训项目", "教育项目"),
    "attended_on": ("日期", "参训日期"),
    "status": ("状态", "参训情况"),
    "score": ("成绩", "测试成绩"),
    "hours": ("学时",),
}


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


@dataclass
class CompletionResult:
    source: str
    sha256: str
    read: int
    accepted: list[CompletionRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def parse_completions(
    table: Table,
    *,
    cadres: set[str],
    sessions: Mapping[str, str],
    programmes: Mapping[str, str],
) -> CompletionResult:
    """Validate rows against the quarter: `sessions` maps code → programme, `programmes` maps
    a programme's code or name (either language) → its code."""
    columns = match_columns(
        table, ALIASES, required={"employee_id"}, one_of=({"session_code", "programme"},)
    )
    result = CompletionResult(table.source, table.sha256, len(table.rows), [], [], columns.unknown)
    for number, cells in table.rows:
        values = {c: cells[i] if i < len(cells) else None for c, i in columns.index.items()}
        raw = {c: text(v) for c, v in values.items()}
        try:
            result.accepted.append(_record(number, values, cadres, sessions, programmes))
        except _BadValue as bad:
            result.rejects.append(Reject(number, bad.column, bad.reason, raw))
    return result


class _BadValue(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def _record(
    number: int,
    values: dict[str, object],
    cadres: set[str],
    sessions: Mapping[str, str],
    programmes: Mapping[str, str],
) -> CompletionRecord:
    employee_id = text(values.get("employee_id"))  # type: ignore[arg-type]
    if not employee_id:
        raise _BadValue("employee_id", "employee_id is required and is empty")
    if employee_id not in cadres:
        raise _BadValue("employee_id", f"no cadre {employee_id} on this quarter's roster")
    session_code = text(values.get("session_code")).upper() or None  # type: ignore[arg-type]
    programme_given = text(values.get("programme"))  # type: ignore[arg-type]
    if session_code:
        if session_code not in sessions:
            raise _BadValue("session_code", f"no session {session_code} in this quarter")
        programme_code = sessions[session_code]
    elif programme_given:
        found = programmes.get(programme_given) or programmes.get(programme_given.upper())
        if found is None:
            raise _BadValue("programme", f"no programme {programme_given!r} in this quarter")
        programme_code = found
    else:
        raise _BadValue("session_code", "give a session_code or a programme")
    try:
        status = parse_choice(values.get("status"), COMPLETION_STATUSES, CompletionStatus.attended)  # type: ignore[arg-type]
    except ValueError as error:
        raise _BadValue("status", str(error)) from None
    checks = {
        "attended_on": lambda v: parse_date(v),
        "score": lambda v: parse_number(v, low=0, high=100),
        "hours": lambda v: parse_number(v, low=0),
    }
    parsed: dict[str, object] = {}
    for column, check in checks.items():
        try:
            parsed[column] = check(values.get(column))
        except ValueError as error:
            raise _BadValue(column, str(error)) from None
    return CompletionRecord(
        row=number,
        employee_id=employee_id,
        programme_code=programme_code,
        session_code=session_code,
        status=status or CompletionStatus.attended,
        attended_on=parsed["attended_on"],  # type: ignore[arg-type]
        score=parsed["score"],  # type: ignore[arg-type]
        hours=parsed["hours"],  # type: ignore[arg-type]
    )
