"""demo-quarter: a synthetic city runs a whole quarter through the four real flows."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from prefect import flow, task
from pydantic import BaseModel
from sqlmodel import col, select

from core.domain import EnrolmentStatus, MessageKind, Quarter
from flows.collect import collect_completions
from flows.common import expected_failures, log
from flows.cycle import quarterly_cycle
from flows.dispatch import DispatchSummary, daily_dispatch
from flows.reporting.accountability import accountability_reports
from flows.reporting.published import ReportsSummary
from flows.sheets import SheetsSummary, sign_in_sheets
from flows.starting import started
from flows.summaries import CollectSummary, CycleSummary
from flows.talk_registers import write_talk_registers
from lianjie.synthetic import (
    COMPLETION_HEADER,
    HEADER,
    completion_rows,
    roster_rows,
    with_mistakes,
    write_csv,
)
from models.db import session_for
from models.tables import EducationSession, Enrolment, Message


class DemoSummary(BaseModel):
    quarter: str
    cycle: CycleSummary
    dispatches: list[DispatchSummary]
    collected: list[CollectSummary]
    reports: ReportsSummary
    sheets: SheetsSummary | None = None
    talk_registers: int = 0  # the ordinary ones: the confidential are not counted where read
    letters: int = 0


@task(persist_result=False)
def write_demo_roster(folder: str, quarter: Quarter, as_of: date, units: int, per_unit: int) -> str:
    """A synthetic roster as an HR department exports it, mistakes included."""
    rows = with_mistakes(roster_rows(units, per_unit, as_of))
    return str(write_csv(Path(folder) / f"roster-{quarter.label}.csv", HEADER, rows))


@task(persist_result=False)
def write_demo_completions(
    db_url: str, folder: str, quarter: Quarter, since: date, until: date
) -> str:
    """Sign-in sheets for the sessions held after `since` up to `until`, as venues send them."""
    with session_for(db_url) as session:
        enrolled = session.exec(
            select(
                col(Enrolment.session_code),
                col(Enrolment.employee_id),
                col(EducationSession.programme_code),
                col(EducationSession.held_on),
            )
            .join(EducationSession, col(EducationSession.code) == col(Enrolment.session_code))
            .where(
                EducationSession.quarter == quarter.label,
                Enrolment.status == EnrolmentStatus.enrolled,
            )
            .order_by(
                col(EducationSession.held_on),
                col(Enrolment.session_code),
                col(Enrolment.employee_id),
            )
        ).all()
    rows = completion_rows(enrolled, until, since=since)
    name = f"completions-{quarter.label}-{until.isoformat()}.csv"
    return str(write_csv(Path(folder) / name, COMPLETION_HEADER, rows))


@task(persist_result=False)
def first_session_day(db_url: str, quarter: Quarter) -> date:
    with session_for(db_url) as session:
        day = session.exec(
            select(col(EducationSession.held_on))
            .where(EducationSession.quarter == quarter.label)
            .order_by(col(EducationSession.held_on))
        ).first()
    assert day is not None, "the cycle scheduled sessions"
    return day


@task(persist_result=False)
def dispatch_dates(db_url: str, quarter: Quarter) -> list[date]:
    """The days invitations and holiday reminders fall due: the demo dispatches on each."""
    with session_for(db_url) as session:
        days = session.exec(
            select(col(Message.due_on))
            .distinct()
            .where(
                Message.quarter == quarter.label,
                col(Message.kind).in_([MessageKind.invitation, MessageKind.holiday_reminder]),
            )
        ).all()
    return sorted(days)


@flow(name="demo-quarter")
@expected_failures
def demo_quarter(quarter: str = "", units: int = 40, per_unit: int = 30) -> DemoSummary:
    """Run a synthetic city's whole quarter: cycle, dispatch, collect completions, reports.

    Args:
        quarter: The quarter to simulate, written YYYYQn, e.g. 2026Q4; empty means this one.
        units: How many units the synthetic city has.
        per_unit: How many cadres each unit has.
    """
    start = started(quarter)  # empty: this quarter
    config, period = start.config, start.quarter
    inputs = str(config.data_dir / "input")
    logger = log()
    roster = write_demo_roster(inputs, period, period.starts_on, units, per_unit)
    cycle = quarterly_cycle(quarter=period.label, roster=roster, as_of=period.starts_on)
    # Each talker's register of the talks the roster opened, and the letters to sign.
    registers, letters = write_talk_registers(period, None, None)
    # The sign-in sheets of the first day with sessions, as the daily run would make them.
    sheets = sign_in_sheets(quarter=period.label, day=first_session_day(config.db_url, period))
    # The quarter's rhythm: invitations go out; sign-in sheets come back at mid-quarter and are
    # collected (absentees get make-ups); dispatch sends make-up invitations and chases what is
    # overdue; the rest of the sheets come in before the holiday reminders go out.
    first, *later = dispatch_dates(config.db_url, period)
    middle = period.starts_on + (period.ends_on - period.starts_on) / 2
    last = (later[-1] if later else period.ends_on) - timedelta(days=1)
    # The demo plays the quarter on a fake clock: its dispatch dates lie ahead on purpose.
    dispatches = [daily_dispatch(date=first, allow_future=True)]
    collected = []
    for since, until in ((period.starts_on, middle), (middle, last)):
        sheet = write_demo_completions(config.db_url, inputs, period, since, until)
        collected.append(collect_completions(quarter=period.label, files=(sheet,), as_of=until))
        dispatches.append(daily_dispatch(date=until + timedelta(days=1), allow_future=True))
    # The reports show the quarter as it ends, on the same fake clock.
    reports = accountability_reports(quarter=period.label, as_of=period.ends_on, allow_future=True)
    logger.info(
        "demo quarter %s done: %d PDFs in %s",
        period.label,
        reports.rendered,
        config.reports_dir / period.label,
    )
    return DemoSummary(
        quarter=period.label,
        cycle=cycle,
        dispatches=dispatches,
        collected=collected,
        reports=reports,
        sheets=sheets,
        talk_registers=sum(not r.confidential for r in registers),
        letters=len(letters),
    )
