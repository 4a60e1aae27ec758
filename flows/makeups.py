"""Make-ups: who a session's returned sheet shows missing, absent or excused, booked on the next
make-up of what they missed; and who the sheets left out, as the collect reports them."""

from __future__ import annotations

from datetime import date

from prefect import task
from pydantic import BaseModel

from core.domain import Quarter
from flows.common import RunSettings, log, quarter_policy
from models.db import session_for
from models.education import store_schedule, stored_sessions
from models.facts import load_quarter
from models.outbox import add_messages
from policy.progress import makeup_absentees
from policy.recorded import not_recorded, taken_as_absent
from policy.schedule import SchedulePlan, plan_makeups
from reports.not_recorded import not_recorded_notices


class NotRecordedOut(BaseModel):
    session: str
    employee_id: str
    name: str
    sheet_back_on: date
    absent_from: date


def log_makeups(plan: SchedulePlan, *, quarter: str) -> None:
    log().info(
        "make-ups: %d new sessions, %d people booked", len(plan.new_sessions), len(plan.enrolments)
    )
    if plan.unplaced:
        log().warning(
            "%d people missed a session and no working day is left in %s for a "
            "make-up; they stay outstanding",
            len(plan.unplaced),
            quarter,
        )


class MakeupsOffered(BaseModel):
    """What a day's make-up booking did, and who the returned sheets left out (a confidential
    programme's sessions not among them: the list is printed and published)."""

    counts: dict[str, int]
    not_recorded: list[NotRecordedOut]


@task
def offer_makeups(*, run: RunSettings, quarter: str, as_of: date) -> MakeupsOffered:
    """Book absent and excused people, and those a returned sheet left out past the wait, on
    the next make-up session of what they missed; the quarter is read once for both."""
    period = Quarter.parse(quarter)
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        rules = loaded.policy
        data = load_quarter(session=session, quarter=quarter)
        assert data is not None  # quarter_policy has checked that the quarter exists
        calendar = run.calendar(period.starts_on, period.ends_on)
        first = calendar.shift_working_days(as_of, rules.sessions.makeup_lead_working_days)
        wait = rules.sessions.not_recorded_wait_working_days
        left_off = not_recorded(data.sessions, data.enrolments, data.completions, as_of=as_of)
        absent = taken_as_absent(
            left_off, as_of=as_of, waited=lambda back: calendar.shift_working_days(back, wait)
        )
        plan = plan_makeups(
            quarter=period,
            programmes=[p for p in rules.programmes if not p.joint_with],
            absentees=makeup_absentees(
                data, seating=rules.seating, as_of=as_of, not_recorded=absent
            ),
            existing=stored_sessions(session=session, quarter=quarter),
            days=calendar.working_days(max(first, period.starts_on), period.ends_on),
            rules=rules.sessions,
            join_from=calendar.shift_working_days(as_of, rules.sessions.notice_working_days),
        )
        store_schedule(
            session=session,
            quarter=quarter,
            new_sessions=plan.new_sessions,
            enrolments=plan.enrolments,
            withdrawals=[],
        )
        add_messages(
            session=session,
            rows=not_recorded_notices(
                left_off,
                data,
                organisers=rules.sign_in_sheets.organisers,
                organiser=run.organiser_email,
                discipline_email=run.discipline_email,
                absent_from=lambda back: calendar.shift_working_days(back, wait),
                quarter=quarter,
                lang=run.lang,
                organisation=run.organisation,
                on=as_of,
            ),
        )
    log_makeups(plan, quarter=quarter)
    secret = {p.code for p in data.programmes if p.confidential}
    names = {c.employee_id: c.name for c in data.cadres}
    shown = [
        NotRecordedOut(
            session=m.session_code,
            employee_id=m.employee_id,
            name=names.get(m.employee_id, ""),
            sheet_back_on=m.back_on,
            absent_from=calendar.shift_working_days(m.back_on, wait),
        )
        for m in left_off
        if m.programme_code not in secret
    ]
    if shown:
        log().warning(
            "%d people enrolled in sessions whose sheets came back without them are not "
            "recorded; each is booked on a make-up %d working days after their sheet came back",
            len(shown),
            wait,
        )
    counts = {
        "new_sessions": len(plan.new_sessions),
        "booked": len(plan.enrolments),
        "no_day_left": len(plan.unplaced),
    }
    return MakeupsOffered(counts=counts, not_recorded=shown)
