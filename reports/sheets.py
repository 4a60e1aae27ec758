"""Sign-in sheets (签到表): the paper a session runs on, and the workbook its results come back in.

Pure: from a session, its programme and the people enrolled, the values the template prints
and the rows the workbook holds. Which sessions get a sheet, and where it goes, is the flow's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import segno
from openpyxl.worksheet.datavalidation import DataValidation

from core.domain import (
    CadreRecord,
    Channel,
    MessageKind,
    MessageStatus,
    Quarter,
    Rank,
    SessionPlan,
    name_in,
)
from core.send_keys import sheet_key
from models.outbox import OutboxRow
from models.placements import Placements, ProgrammeInfo
from reports.messages import render_message
from reports.wording import day_text, time_range
from reports.workbooks import saved, to_fill_in

RANK_ORDER = {Rank.bureau: 0, Rank.division: 1, Rank.section: 2, Rank.staff: 3, None: 4}


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One person on the sheet."""

    number: int
    employee_id: str
    name: str
    unit: str
    post: str
    unreachable: bool = False  # no phone, no e-mail: someone tells them in person


def sheet_lines(people: Iterable[CadreRecord], units: Mapping[str, str]) -> list[SheetLine]:
    """Everyone enrolled, by unit (in the order of their codes, as the organisation numbers
    them), then rank (the most senior first), then name."""
    ordered = sorted(
        people,
        key=lambda c: (
            c.unit_code,
            RANK_ORDER.get(c.rank, 4),
            c.name,
            c.employee_id,
        ),
    )
    return [
        SheetLine(
            n,
            c.employee_id,
            c.name,
            units.get(c.unit_code, c.unit_name),
            c.post,
            unreachable=not (c.phone or c.email),
        )
        for n, c in enumerate(ordered, start=1)
    ]


def session_qr(code: str) -> str:
    """The session code as a QR code, an inline SVG: the renderer fetches nothing."""
    return str(segno.make(code, error="m", micro=False).svg_inline(scale=3, border=2))


def sheet_context(
    session: SessionPlan,
    programme: ProgrammeInfo,
    lines: list[SheetLine],
    *,
    lang: str,
    labels: dict[str, Any],
    organisation: str,
    walk_in_rows: int,
    version: int,
    minutes: int,
) -> dict[str, Any]:
    """What the sign-in sheet template prints."""
    return {
        "t": labels,
        "w": labels["sheet"],
        "organisation": organisation,
        "session": session,
        "programme_name": name_in(programme, lang),
        "day": day_text(session.held_on, lang),
        "hours": session_hours(session, minutes, lang),
        "lines": lines,
        "walk_ins": range(len(lines) + 1, len(lines) + 1 + walk_in_rows),
        "version": version,
        "confidential": programme.confidential,
        "qr": session_qr(session.code),
    }


def session_hours(session: SessionPlan, minutes: int, lang: str) -> str:
    """9:00—10:30: from the session's start and its programme's length."""
    ends = datetime.combine(session.held_on, session.starts_at) + timedelta(minutes=minutes)
    return time_range(session.starts_at, ends.time(), lang)


def write_sheet_workbook(
    path: Path,
    session: SessionPlan,
    programme_name: str,
    lines: list[SheetLine],
    *,
    lang: str,
    labels: dict[str, Any],
) -> Path:
    """The sheet as a workbook a clerk fills in: a title row, the completion contract's
    headers, one row per person with the session code, and a list to pick the status from.
    Dropped into LIANJIE_DROP_DIR (or given to `lianjie collect`) it comes back as it went out;
    a walk-in is a row the clerk adds, with their 工号 and the session code."""
    words = labels["sheet"]
    header = list(words["workbook"])
    title = f"{programme_name}  {session.code}  {day_text(session.held_on, lang)}"
    workbook, sheet = to_fill_in(
        title,
        header,
        (
            [line.employee_id, line.name, line.unit, session.code, None, None, None, note]
            for line in lines
            for note in [words["unreachable"] if line.unreachable else None]
        ),
        sheet_title=session.code,
        widths=(12, 10, 26, 16, 12, 8, 8, 20),
    )
    last = sheet.max_row + 50  # the list also for the rows of walk-ins the clerk adds
    status = header.index(words["workbook"][4]) + 1
    column = sheet.cell(row=2, column=status).column_letter
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(words["choices"]) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=words["status"],
        error=" / ".join(words["choices"]),
    )
    choices.add(f"{column}3:{column}{last}")
    sheet.add_data_validation(choices)
    return saved(workbook, path)


def chosen_sessions(
    sessions: Iterable[SessionPlan],
    *,
    code: str = "",
    day: date | None = None,
    upcoming: tuple[date, date] | None = None,
) -> list[SessionPlan]:
    """The sessions to make sheets for: the one named, those on a day, or those from the
    first to the last day of `upcoming` (the next working days, for the daily run)."""
    if code:
        return [s for s in sessions if s.code == code.strip().upper()]
    if day is not None:
        return sorted((s for s in sessions if s.held_on == day), key=lambda s: s.code)
    assert upcoming is not None
    first, last = upcoming
    return sorted(
        (s for s in sessions if first <= s.held_on <= last), key=lambda s: (s.held_on, s.code)
    )


def people_key(employee_ids: Iterable[str]) -> str:
    """Who is on a sheet, in 16 characters: a sheet already sent for the same people is the
    same version; another list is a new one."""
    return hashlib.sha256("\n".join(sorted(employee_ids)).encode()).hexdigest()[:16]


def sheet_version(key: str, sent: Mapping[str, int]) -> int:
    """The version of a sheet for these people, given the versions sent so far (key → n)."""
    return sent.get(key, max(sent.values(), default=0) + 1)


def sheet_message(
    info: SessionPlan,
    programme: ProgrammeInfo,
    *,
    role: str,
    address: str,
    people: str,
    count: int,
    version: int,
    pdf: str,
    quarter: Quarter,
    lang: str,
    organisation: str,
    minutes: int,
    on: date,
) -> OutboxRow:
    """The e-mail that takes a sheet (its PDF and workbook) to whoever organises the session:
    one per version, that is per list of people."""
    subject, body = render_message(
        "sign_in_sheet",
        lang,
        {
            "programme": name_in(programme, lang),
            "session": info.code,
            "day": day_text(info.held_on, lang),
            "hours": session_hours(info, minutes, lang),
            "venue": info.venue,
            "people": count,
            "version": version,
            "organisation": organisation,
        },
    )
    return {
        "send_key": sheet_key(info.code, version, people, role),
        "quarter": quarter.label,
        "kind": MessageKind.sign_in_sheet,
        "channel": Channel.email,
        "recipient": address,
        "employee_id": None,
        "subject": subject,
        "body": body,
        "attachment": pdf,
        "due_on": on,
        # a sheet after its session is of no use: it expires with the day
        "expires_on": info.held_on,
        "status": MessageStatus.queued,
        "last_error": None,
        "params": None,
    }


def enrolled_by_session(placements: Placements) -> dict[str, list[CadreRecord]]:
    """The cadres enrolled in each session: withdrawn people are off the sheet, and so are
    people no longer on the roster."""
    cadres = {c.employee_id: c for c in placements.cadres}
    return {
        s.code: [cadres[who] for who in s.enrolled if who in cadres] for s in placements.sessions
    }


def sheet_recipient(
    programme: str,
    *,
    confidential: bool,
    organisers: Mapping[str, str],
    organiser: str | None,
    discipline_email: str | None,
) -> tuple[str, str] | None:
    """Who gets a sheet: a confidential one the discipline inspection body and nobody else."""
    if confidential:
        return ("discipline", discipline_email) if discipline_email else None
    address = organisers.get(programme) or organiser
    return ("organiser", address) if address else None
