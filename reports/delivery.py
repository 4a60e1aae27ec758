"""Reports reach their readers: each unit's PDF to its leadership team, the list to the
discipline inspection body alone. Pure: the flow loads, calls this and queues the rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from core.domain import (
    CadreRecord,
    Channel,
    LeadershipRole,
    MessageKind,
    MessageStatus,
    Quarter,
    ReportKind,
)
from core.send_keys import report_key
from models.outbox import OutboxRow
from reports.messages import render_message
from reports.wording import quarter_text


@dataclass(frozen=True, slots=True)
class RenderedReport:
    """A report as rendered: whose it is, where it is, and its hash (its version)."""

    kind: ReportKind
    unit_code: str
    path: str
    sha256: str


def units_read_by(
    role: LeadershipRole | str | None, unit_code: str, in_charge_of: Iterable[str]
) -> tuple[str, ...]:
    """The units whose report a cadre reads: a top leader his unit's; a team member his unit's
    and every unit in his charge, whichever unit he sits in; anyone else none."""
    if role == LeadershipRole.top_leader:
        return (unit_code,)
    if role == LeadershipRole.team_member:
        return tuple(dict.fromkeys([unit_code, *in_charge_of]))
    return ()


def report_messages(
    reports: Iterable[RenderedReport],
    *,
    cadres: Iterable[CadreRecord],
    units: Mapping[str, str],
    quarter: Quarter,
    on: date,
    lang: str,
    organisation: str,
    discipline_email: str | None,
) -> list[OutboxRow]:
    """One e-mail per reader and report version: a re-render that changed the PDF goes again."""
    # A unit's report goes to its leadership team and to every team member in charge of it,
    # whichever unit they sit in: one in charge of two units receives both reports.
    team: dict[str, dict[str, CadreRecord]] = {}
    for cadre in cadres:
        for unit in units_read_by(cadre.leadership_role, cadre.unit_code, cadre.in_charge_of):
            team.setdefault(unit, {})[cadre.employee_id] = cadre
    rows: list[OutboxRow] = []
    for report in reports:
        readers: list[tuple[str | None, str, str]]
        template = "report"
        if report.kind == ReportKind.unit:
            readers = [
                (c.employee_id, c.name, c.email)
                for c in sorted(
                    team.get(report.unit_code, {}).values(), key=lambda c: c.employee_id
                )
                if c.email is not None
            ]
            unit = units.get(report.unit_code, report.unit_code)
        elif report.kind == ReportKind.confidential and discipline_email:
            # An organ is addressed as one, and the list is not a unit's report.
            readers = [(None, "", discipline_email)]
            template, unit = "confidential_list", ""
        else:
            continue
        for employee_id, name, address in readers:
            subject, body = render_message(
                template,
                lang,
                {
                    "name": name,
                    "unit": unit,
                    "quarter": quarter_text(quarter, lang),
                    "organisation": organisation,
                },
            )
            rows.append(
                {
                    "send_key": report_key(
                        quarter,
                        report.kind,
                        report.unit_code,
                        report.sha256,
                        employee_id or "discipline",
                    ),
                    "quarter": quarter.label,
                    "kind": MessageKind.report,
                    "channel": Channel.email,
                    "recipient": address,
                    "employee_id": employee_id,
                    "subject": subject,
                    "body": body,
                    "attachment": report.path,
                    "due_on": on,
                    "expires_on": None,
                    "status": MessageStatus.queued,
                    "last_error": None,
                    "params": None,
                }
            )
    return rows
