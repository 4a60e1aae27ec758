"""Make-ups: who a session's returned sheet shows missing, absent or excused, booked on the next
make-up of what they missed; and who the sheets left out, as the collect reports them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from prefect import task
from pydantic import BaseModel

from core.domain import Quarter
from flows.common import RunSettings, log, quarter_policy
from models.db import session_for
from models.education import store_schedule, stored_sessions
from models.facts import QuarterData, load_quarter
from models.outbox import OutboxRow, add_messages
from policy.calendar import WorkingCalendar
from policy.confidentiality import confidential_codes
from policy.config import Policy
from policy.makeups import plan_makeups
from policy.progress import makeup_absentees
from policy.recorded import NotRecorded, not_recorded, taken_as_absent
from policy.seating import SchedulePlan
from reports.not_recorded import not_recorded_notices


class NotRecordedOut(BaseModel):
    session: str
    employee_id: str
    name: str
    sheet_back_on: date
    absent_from: date


def log_makeups(plan: SchedulePlan, *, quarter: Quarter) -> None:
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


@task(persist_result=False)
def offer_makeups(*, run: RunSettings, quarter: Quarter, as_of: date) -> MakeupsOffered:
    """Book absent and excused people, and those a returned sheet left out past the wait, on
    the next make-up session of what they missed; tell each session's organiser, once, who its
    sheet left out. The quarter is read once for all of it."""
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        data = load_quarter(session=session, quarter=quarter)
        assert data is not None  # quarter_policy has checked that the quarter exists
        days = Days(loaded.policy, run.calendar(quarter.starts_on, quarter.ends_on), as_of)
        left_off = not_recorded(data.sessions, data.enrolments, data.completions, as_of=as_of)
        plan = plan_makeups(
            quarter=quarter,
            programmes=[p for p in loaded.policy.programmes if not p.joint_with],
            absentees=makeup_absentees(
                data,
                seating=loaded.policy.seating,
                as_of=as_of,
                not_recorded=taken_as_absent(left_off, as_of=as_of, waited=days.absent_from),
            ),
            existing=stored_sessions(session=session, quarter=quarter),
            days=days.for_makeups(quarter),
            rules=loaded.policy.sessions,
            join_from=days.notice_from(),
        )
        store_schedule(
            session=session,
            quarter=quarter,
            new_sessions=plan.new_sessions,
            enrolments=plan.enrolments,
            withdrawals=[],
        )
        add_messages(session=session, rows=days.notices(left_off, data, run, quarter))
    log_makeups(plan, quarter=quarter)
    counts = {
        "new_sessions": len(plan.new_sessions),
        "booked": len(plan.enrolments),
        "no_day_left": len(plan.unplaced),
    }
    return MakeupsOffered(counts=counts, not_recorded=shown_left_off(left_off, data, days))


@dataclass(frozen=True)
class Days:
    """The working days a day's make-up booking counts in, by the quarter's policy."""

    policy: Policy
    calendar: WorkingCalendar
    as_of: date

    def absent_from(self, back: date) -> date:
        """The day someone a sheet returned on `back` left out counts as absent."""
        wait = self.policy.sessions.not_recorded_wait_working_days
        return self.calendar.shift_working_days(back, wait)

    def for_makeups(self, quarter: Quarter) -> list[date]:
        lead = self.policy.sessions.makeup_lead_working_days
        first = self.calendar.shift_working_days(self.as_of, lead)
        return self.calendar.working_days(max(first, quarter.starts_on), quarter.ends_on)

    def notice_from(self) -> date:
        notice = self.policy.sessions.notice_working_days
        return self.calendar.shift_working_days(self.as_of, notice)

    def notices(
        self, left_off: list[NotRecorded], data: QuarterData, run: RunSettings, quarter: Quarter
    ) -> list[OutboxRow]:
        return not_recorded_notices(
            left_off,
            data,
            organisers=self.policy.sign_in_sheets.organisers,
            organiser=run.organiser_email,
            discipline_email=run.discipline_email,
            absent_from=self.absent_from,
            quarter=quarter,
            lang=run.lang,
            organisation=run.organisation,
            on=self.as_of,
        )


def shown_left_off(
    left_off: list[NotRecorded], data: QuarterData, days: Days
) -> list[NotRecordedOut]:
    """Who the returned sheets left out, as the collect prints and publishes them: a
    confidential programme's sessions not among them."""
    secret = confidential_codes(data.programmes)
    names = {c.employee_id: c.name for c in data.cadres}
    shown = [
        NotRecordedOut(
            session=m.session_code,
            employee_id=m.employee_id,
            name=names.get(m.employee_id, ""),
            sheet_back_on=m.back_on,
            absent_from=days.absent_from(m.back_on),
        )
        for m in left_off
        if m.programme_code not in secret
    ]
    if shown:
        log().warning(
            "%d people enrolled in sessions whose sheets came back without them are not "
            "recorded; each is booked on a make-up %d working days after their sheet came back",
            len(shown),
            days.policy.sessions.not_recorded_wait_working_days,
        )
    return shown
