"""Reports reach their readers: the team gets its unit's PDF, the list goes to one address."""

from __future__ import annotations

import email
from pathlib import Path

from sqlmodel import select

from core.domain import Quarter
from flows.dispatch import send_due
from flows.reporting.accountability import queue_reports
from harness.pipeline import SEND_ON, prepared, run_cycle, run_settings, write_city
from models.db import session_for
from models.tables import Message
from reports.delivery import RenderedReport
from reports.render import render_pdf

DISCIPLINE = "jiwei@gov.example.cn"


def rendered(db_url: str, out: Path) -> list[RenderedReport]:
    reports = []
    for summary, job in prepared(db_url, out):
        done = render_pdf(job)
        reports.append(RenderedReport(summary.kind, summary.unit_code, str(done.path), done.sha256))
    return reports


def test_each_team_gets_its_unit_and_the_list_goes_to_the_discipline_body_once(
    db_url: str, tmp_path: Path
) -> None:
    """U0001's top leader and team members get U0001's PDF; nobody else; queued once."""
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    reports = rendered(db_url, tmp_path / "out")
    first = queue_reports.fn(
        run=run_settings(db_url, discipline_email=DISCIPLINE),
        quarter=Quarter(2026, 4),
        reports=reports,
        on=SEND_ON,
    )
    again = queue_reports.fn(
        run=run_settings(db_url, discipline_email=DISCIPLINE),
        quarter=Quarter(2026, 4),
        reports=reports,
        on=SEND_ON,
    )
    assert first > 0 and 0 == again
    with session_for(db_url) as session:
        queued = session.exec(select(Message).where(Message.kind == "report")).all()
    to_u0001 = {m.employee_id for m in queued if ":unit:U0001:" in m.send_key}
    assert {"E000001", "E000002", "E000003"} <= to_u0001
    assert all(":unit:U0001:" not in m.send_key for m in queued if m.employee_id == "E000013")
    confidential = [m for m in queued if ":confidential:" in m.send_key]
    assert [DISCIPLINE] == [m.recipient for m in confidential]
    assert "confidential" in str(confidential[0].attachment)
    assert not [m for m in queued if ":summary:" in m.send_key]

    sent = send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
    assert sent["failed"] == 0
    mails = [
        email.message_from_bytes(p.read_bytes())
        for p in (tmp_path / "data" / "outbox" / "email").glob("report*.eml")
    ]
    assert len(mails) == len(queued)
    assert all(any(part.get_filename() for part in m.walk()) for m in mails)


def test_a_new_version_of_a_report_goes_again(db_url: str, tmp_path: Path) -> None:
    """A re-render that changed the PDF is a new version, queued for its readers again."""
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    [unit] = [r for r in rendered(db_url, tmp_path / "out") if r.unit_code == "U0001"]
    newer = RenderedReport(unit.kind, unit.unit_code, unit.path, "f" * 64)
    first = queue_reports.fn(
        run=run_settings(db_url), quarter=Quarter(2026, 4), reports=[unit], on=SEND_ON
    )
    second = queue_reports.fn(
        run=run_settings(db_url), quarter=Quarter(2026, 4), reports=[newer], on=SEND_ON
    )
    assert first == second > 0
