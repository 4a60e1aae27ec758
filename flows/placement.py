"""Who is on which track, and who sits in which session: the cycle's classify and schedule
stages, each a task over the whole quarter."""

from __future__ import annotations

from collections import Counter
from datetime import date

from prefect import task

from core.domain import Quarter, Track
from flows.common import RunSettings, log, quarter_policy
from models.cadres import quarter_roster
from models.completions import completed_before
from models.db import session_for
from models.education import quarter_tracks, replace_assignments, store_schedule, stored_sessions
from models.outbox import cancel_messages
from policy.classify import classify_all
from policy.notices import withdrawn_messages
from policy.schedule import schedule_quarter
from policy.seating import SchedulePlan


@task(persist_result=False)
def classify_cadres(*, run: RunSettings, quarter: Quarter, as_of: date) -> dict[str, int]:
    """Put every cadre on the roster on their tracks, with reasons."""
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        cadres = quarter_roster(session=session, quarter=quarter)
        assignments = classify_all(cadres, loaded.policy, as_of)
        replace_assignments(session=session, quarter=quarter, assignments=assignments)
    counts = Counter(a.track.value for a in assignments)
    # A confidential track is counted nowhere the operator reads (the log, the run's table,
    # the command's output): in a small unit its count names the people on it.
    secret = {p.track for p in loaded.policy.programmes if p.confidential}
    shown = {track.value: counts[track.value] for track in Track if track not in secret}
    log().info("classified %d cadres: %s", len(cadres), shown)
    return shown


@task(persist_result=False)
def schedule_sessions(*, run: RunSettings, quarter: Quarter, as_of: date) -> dict[str, int]:
    """Enrol everyone each track requires in sessions on working days, within capacity."""
    calendar = run.calendar(quarter.starts_on, quarter.ends_on)
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        rules = loaded.policy
        plan = schedule_quarter(
            quarter=quarter,
            policy=rules,
            tracks=quarter_tracks(session=session, quarter=quarter),
            done_before=completed_before(
                session=session,
                quarter=quarter,
                programmes=[p.code for p in rules.programmes if p.once],
            ),
            existing=stored_sessions(session=session, quarter=quarter),
            working_days=calendar.working_days,
            lead_day=calendar.shift_working_days(as_of, rules.sessions.lead_working_days),
            as_of=as_of,
        )
        store_schedule(
            session=session,
            quarter=quarter,
            new_sessions=plan.new_sessions,
            enrolments=plan.enrolments,
            withdrawals=plan.withdrawals,
        )
        cancelled = cancel_messages(session=session, prefixes=withdrawn_messages(plan.withdrawals))
    log_schedule(plan, estimated=calendar.is_estimated(quarter.year), year=quarter.year)
    return {
        "new_sessions": len(plan.new_sessions),
        "enrolments": len(plan.enrolments),
        "withdrawals": len(plan.withdrawals),
        "unplaced": len(plan.unplaced),
        "messages_cancelled": cancelled,
    }


def log_schedule(plan: SchedulePlan, *, estimated: bool, year: int) -> None:
    logger = log()
    if estimated:
        logger.warning(
            "no official holiday notice for %d yet: working days are estimated; "
            "add the notice to the calendar override file",
            year,
        )
    if plan.unplaced:
        logger.warning(
            "%d enrolments could not be placed (no free working day left)", len(plan.unplaced)
        )
    logger.info(
        "scheduled %d new sessions, %d enrolments, %d withdrawals",
        len(plan.new_sessions),
        len(plan.enrolments),
        len(plan.withdrawals),
    )
