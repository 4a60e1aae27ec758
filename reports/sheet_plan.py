"""Which sign-in sheets to make and to whom they go: pure, from the quarter as loaded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from core.domain import Quarter, SessionPlan
from models.outbox import OutboxRow
from models.placements import Placements, ProgrammeInfo
from policy.config import Policy
from reports.render import RenderJob, labels, safe_file_name
from reports.sheets import (
    SheetLine,
    enrolled_by_session,
    people_key,
    sheet_context,
    sheet_lines,
    sheet_message,
    sheet_recipient,
    sheet_version,
)


@dataclass(frozen=True, slots=True)
class PlannedSheet:
    """A session's sheet to make: its PDF's render job and the workbook's lines."""

    session: SessionPlan
    programme: ProgrammeInfo
    lines: list[SheetLine]
    version: int
    job: RenderJob

    @property
    def workbook(self) -> Path:
        return self.job.path.with_suffix(".xlsx")


class MadeSheet(Protocol):
    """A sheet as it was made, as the flow reports it."""

    session_code: str
    programme: str
    confidential: bool
    people: int
    version: int
    pdf: str


def planned_sheets(
    placements: Placements,
    policy: Policy,
    *,
    chosen: Iterable[str],
    sent: Mapping[str, Mapping[str, int]],
    lang: str,
    organisation: str,
    folder: Path,
) -> list[PlannedSheet]:
    """The chosen sessions' sheets, each a new version when its people changed since the
    version sent; an admonition session's goes to the confidential folder."""
    wanted = set(chosen)
    seated = enrolled_by_session(placements)
    programmes = {p.code: p for p in placements.programmes}
    minutes = {r.code: r.duration_minutes for r in policy.programmes}
    words = labels(lang)
    planned = []
    for info in (s for s in placements.sessions if s.code in wanted):
        programme = programmes[info.programme_code]
        people = seated.get(info.code, [])
        lines = sheet_lines(people, placements.units)
        version = sheet_version(people_key(c.employee_id for c in people), sent.get(info.code, {}))
        where = folder / ("confidential" if programme.confidential else "") / "sheets"
        context = sheet_context(
            info,
            programme,
            lines,
            lang=lang,
            labels=words,
            organisation=organisation,
            # nobody walks in to a confidential session: its sheet lists its people only
            walk_in_rows=0 if programme.confidential else policy.sign_in_sheets.walk_in_rows,
            version=version,
            minutes=minutes[info.programme_code],
        )
        pdf = where / safe_file_name("sign-in", info.code, lang)
        job = RenderJob("sign_in.html.j2", context, pdf)
        planned.append(PlannedSheet(info, programme, lines, version, job))
    return planned


@dataclass(frozen=True, slots=True)
class SheetMail:
    """The sheets' e-mails, who each went to, and the sheets nobody could be sent."""

    rows: list[OutboxRow]
    sent_to: dict[str, str]  # session → "organiser" or "discipline"
    nobody: list[MadeSheet]


def sheet_mail(
    placements: Placements,
    policy: Policy,
    sheets: Iterable[MadeSheet],
    *,
    organiser: str | None,
    discipline_email: str | None,
    quarter: Quarter,
    lang: str,
    organisation: str,
    on: date,
) -> SheetMail:
    """An e-mail per sheet to its programme's organiser, a confidential one to the discipline
    inspection body only; the send key holds the version, so a version goes once."""
    seated = enrolled_by_session(placements)
    sessions = {s.code: s for s in placements.sessions}
    programmes = {p.code: p for p in placements.programmes}
    minutes = {r.code: r.duration_minutes for r in policy.programmes}
    rows, sent_to, nobody = [], {}, []
    for sheet in sheets:
        to = sheet_recipient(
            sheet.programme,
            confidential=sheet.confidential,
            organisers=policy.sign_in_sheets.organisers,
            organiser=organiser,
            discipline_email=discipline_email,
        )
        if to is None:
            nobody.append(sheet)
            continue
        people = seated.get(sheet.session_code, [])
        rows.append(
            sheet_message(
                sessions[sheet.session_code],
                programmes[sheet.programme],
                role=to[0],
                address=to[1],
                people=people_key(c.employee_id for c in people),
                count=sheet.people,
                version=sheet.version,
                pdf=sheet.pdf,
                quarter=quarter,
                lang=lang,
                organisation=organisation,
                minutes=minutes[sheet.programme],
                on=on,
            )
        )
        sent_to[sheet.session_code] = to[0]
    return SheetMail(rows, sent_to, nobody)
