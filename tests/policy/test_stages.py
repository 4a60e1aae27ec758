"""The cycle's decisions between loading and storing, each a pure function: a roster's
verdict, make-up seats, the quarter's schedule."""

from __future__ import annotations

from datetime import date, time

from core.domain import CompletionStatus, Quarter, SessionPlan, Track
from harness.factories import cadre, quarter_data, verdict
from models.facts import CompletionInfo
from models.placements import ProgrammeInfo
from policy.calendar import calendar_for
from policy.config import Policy
from policy.notices import withdrawn_messages
from policy.progress import makeup_absentees
from policy.schedule import schedule_quarter


class TestJudgeRoster:
    def test_a_roster_that_makes_too_many_leave_is_refused(self) -> None:
        """Two of ten leaving is more than a tenth: refused, naming the number."""
        assert "would make 2 of 10 cadres (20%) leave" in (verdict(8).refusal or "")

    def test_one_leaver_in_ten_is_no_refusal(self) -> None:
        """Exactly the policy's share: stored without a word about leavers."""
        judged = verdict(9)
        assert (None, []) == (
            judged.refusal,
            [w for w in map(str, judged.warnings) if "leave" in w],
        )

    def test_the_operator_can_confirm_the_leavers(self) -> None:
        """Confirmed (--accept-leavers, or the Resume form in the UI), it is stored, and the
        warning says what was confirmed in words that fit either way."""
        judged = verdict(8, accept_leavers=True)
        assert judged.refusal is None
        assert str(judged.warnings[0]).startswith("confirmed that they really left: this roster")

    def test_a_dry_run_shows_what_a_real_run_would_refuse(self) -> None:
        """A rehearsal is never refused; it says a real run would be."""
        judged = verdict(8, rehearsal=True)
        assert judged.refusal is None
        assert str(judged.warnings[0]).startswith("a real run would first ask whether they")

    def test_the_roster_in_force_is_never_refused(self) -> None:
        """Importing the file in force again changes nothing, so it is not refused."""
        assert verdict(8, already_in_force=True).refusal is None


IO = ProgrammeInfo("IO", Track.in_office, "在职干部", "In office", 1, 80, False)
AT = time(9)


def completion(who: str, code: str, status: CompletionStatus) -> CompletionInfo:
    return CompletionInfo(who, "IO", code, status, None, None, "sheet.csv", 2)


class TestMakeupAbsentees:
    def test_absent_and_excused_people_need_a_seat_unless_already_booked(self) -> None:
        """E1 absent, E2 excused, E3 absent but booked on a make-up still to come, E4 there."""
        held = SessionPlan("26Q4-IO-01", "IO", 1, date(2026, 11, 2), AT, "A", 50, makeup=False)
        makeup = SessionPlan("26Q4-IO-M01", "IO", 1, date(2026, 11, 20), AT, "A", 50, makeup=True)
        people = ["E1", "E2", "E3", "E4"]
        data = quarter_data(
            cadres=[cadre(employee_id=who) for who in people],
            tracks={who: {Track.in_office: "r"} for who in people},
            programmes=[IO],
            sessions=[held, makeup],
            enrolments=[("26Q4-IO-01", who, "enrolled") for who in people]
            + [("26Q4-IO-M01", "E3", "enrolled")],
            completions=[
                completion("E1", held.code, CompletionStatus.absent),
                completion("E2", held.code, CompletionStatus.excused),
                completion("E3", held.code, CompletionStatus.absent),
                completion("E4", held.code, CompletionStatus.attended),
            ],
        )
        seats = makeup_absentees(data, seating=lambda code: code, as_of=date(2026, 11, 5))
        assert {"IO": {"E1", "E2"}} == dict(seats)

    def test_an_absence_after_the_day_waits_for_a_later_offer(self) -> None:
        """Asked on 11-01 about a session of 11-02: nobody is offered a seat yet."""
        held = SessionPlan("26Q4-IO-01", "IO", 1, date(2026, 11, 2), AT, "A", 50, makeup=False)
        data = quarter_data(
            cadres=[cadre(employee_id="E1")],
            tracks={"E1": {Track.in_office: "r"}},
            programmes=[IO],
            sessions=[held],
            enrolments=[(held.code, "E1", "enrolled")],
            completions=[completion("E1", held.code, CompletionStatus.absent)],
        )
        seats = makeup_absentees(data, seating=lambda code: code, as_of=date(2026, 11, 1))
        assert {} == {code: who for code, who in seats.items() if who}


class TestScheduleQuarter:
    CALENDAR = calendar_for(date(2026, 10, 1), date(2026, 12, 31))

    def schedule(self, policy: Policy, tracks: dict[str, list[str]], as_of: date):  # type: ignore[no-untyped-def]
        return schedule_quarter(
            quarter=Quarter.parse("2026Q4"),
            policy=policy,
            tracks=tracks,
            done_before=set(),
            existing=[],
            working_days=self.CALENDAR.working_days,
            lead_day=self.CALENDAR.shift_working_days(as_of, policy.sessions.lead_working_days),
            as_of=as_of,
        )

    def test_sessions_start_after_the_lead_time_on_working_days(self, policy: Policy) -> None:
        """Planned on 10-09: nothing before the lead time, nothing on a day off."""
        plan = self.schedule(policy, {"E1": [Track.in_office.value]}, date(2026, 10, 9))
        lead = self.CALENDAR.shift_working_days(
            date(2026, 10, 9), policy.sessions.lead_working_days
        )
        days = [s.held_on for s in plan.new_sessions]
        assert days and min(days) >= lead
        assert all(self.CALENDAR.is_working_day(day) for day in days)
        assert [(s.code, "E1") for s in plan.new_sessions] == plan.enrolments

    def test_pre_appointment_education_is_held_within_its_deadline(self, policy: Policy) -> None:
        """A newly promoted cadre's programme comes within the policy's days of the as-of day."""
        as_of = date(2026, 10, 12)
        plan = self.schedule(policy, {"E1": [Track.newly_promoted.value]}, as_of)
        due = as_of.toordinal() + policy.windows.newly_promoted_due_days
        assert plan.new_sessions
        assert all(s.held_on.toordinal() <= due for s in plan.new_sessions)

    def test_a_withdrawn_place_cancels_its_invitation_and_reminder(self) -> None:
        """Both messages of the place, on every channel (the prefix ends before the channel)."""
        assert [
            "invitation:26Q4-IO-01:E1:",
            "session_reminder:26Q4-IO-01:E1:",
        ] == withdrawn_messages([("26Q4-IO-01", "E1")])


def test_a_session_record_counts_its_free_seats() -> None:
    """The one session record: capacity less the people in it."""
    assert 38 == SessionPlan("C", "IO", 1, date(2026, 11, 2), AT, "A", 40, {"E1", "E2"}).free
