"""Talk registers (谈话登记表): per talker, the talks they owe this quarter, on paper and as the
workbook the held talks come back in.

Pure: from the open talks and the roster, each talker's lines, and the workbook's rows. A
confidential kind of talk (a reminder talk) is never on an ordinary register: its talker gets
it on a register of its own, which goes where confidential papers go."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from core.domain import CadreRecord
from core.talks import CONFIDENTIAL_TALKS, TalkKind, TalkState
from models.talks import Talk
from reports.workbooks import saved, to_fill_in

# The register's columns, as the talks contract names them: `lianjie collect` knows a register
# by them, whatever the language of the rest.
REGISTER_HEADER = [
    "工号",
    "姓名",
    "单位",
    "谈话类型",
    "应谈日期",
    "谈话日期",
    "谈话人",
    "地点",
    "记录人",
    "承诺书签署日期",
    "备注",
]
WIDTHS = (12, 10, 24, 16, 12, 12, 12, 18, 10, 14, 20)


@dataclass(frozen=True, slots=True)
class RegisterLine:
    employee_id: str
    name: str
    unit: str
    kind: TalkKind
    due_on: date
    pledge: bool  # a commitment letter to be signed at the talk


@dataclass(frozen=True, slots=True)
class Register:
    """One talker's talks: the person the roster names (`talker_id`), or a role."""

    talker: str  # the employee id, or the role (discipline_head, organisation)
    talker_name: str
    confidential: bool
    lines: tuple[RegisterLine, ...]


def registers(
    talks: Iterable[Talk],
    cadres: Mapping[str, CadreRecord],
    units: Mapping[str, str],
    *,
    pledged: Collection[tuple[str, str]] = (),
) -> list[Register]:
    """Each talker's register of the talks still due (held and waived ones are done), by
    talker, the confidential kinds apart; lines by due day, then unit, then employee id.
    `pledged` names the talks (employee id, what opened them) with a letter still to sign."""
    grouped: dict[tuple[str, bool], list[RegisterLine]] = defaultdict(list)
    for talk in talks:
        if talk.state != TalkState.due:
            continue
        kind = TalkKind(talk.kind)
        cadre = cadres.get(talk.employee_id)
        grouped[talk.talker_id or talk.talker, kind in CONFIDENTIAL_TALKS].append(
            RegisterLine(
                talk.employee_id,
                cadre.name if cadre else "",
                units.get(talk.unit_code, talk.unit_code),
                kind,
                talk.due_on,
                (talk.employee_id, talk.opened_by) in pledged,
            )
        )
    return [
        Register(
            talker,
            cadres[talker].name if talker in cadres else "",
            confidential,
            tuple(sorted(lines, key=lambda line: (line.due_on, line.unit, line.employee_id))),
        )
        for (talker, confidential), lines in sorted(grouped.items())
    ]


def register_rows(register: Register, kinds: Mapping[str, str]) -> list[list[Any]]:
    """The workbook's rows under its header: what is known filled in, the rest for the clerk."""
    return [
        [
            line.employee_id,
            line.name,
            line.unit,
            kinds.get(line.kind.value, line.kind.value),
            line.due_on,
            None,
            register.talker_name or None,
            None,
            None,
            None,
            None,
        ]
        for line in register.lines
    ]


def write_register_workbook(path: Path, title: str, rows: list[list[Any]]) -> Path:
    """The register as a workbook a clerk fills in and hands back to `lianjie collect`: a title
    row, the contract's header, one row per talk."""
    workbook, _ = to_fill_in(
        title,
        REGISTER_HEADER,
        rows,
        sheet_title="谈话登记",
        widths=WIDTHS,
        date_columns=(5, 6),
    )
    return saved(workbook, path)
