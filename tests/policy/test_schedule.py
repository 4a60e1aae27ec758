"""Sessions on working days with capacity, nobody twice on a day, re-planning leaves them be."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from core.domain import Quarter, SessionPlan
from policy.calendar import calendar_for
from policy.config import Policy
from policy.schedule import plan_sessions

Q4 = Quarter(2026, 4)


@pytest.fixture(scope="module")
def days() -> list[date]:
    return calendar_for(Q4.starts_on, Q4.ends_on).working_days(date(2026, 10, 15), Q4.ends_on)


def plan(
    policy: Policy,
    days: list[date],
    demand: dict[str, list[str]],
    existing: list[SessionPlan] | None = None,
):  # type: ignore[no-untyped-def]
    return plan_sessions(
        quarter=Q4,
        programmes=policy.programmes,
        demand=demand,
        existing=existing or [],
        days=days,
        rules=policy.sessions,
    )


class TestPlanning:
    def test_everyone_enrolled_within_capacity_on_working_days(
        self, policy: Policy, days: list[date]
    ) -> None:
        """Each person gets a seat in each programme; no session is over capacity."""
        people = [f"E{n:04d}" for n in range(1000)]
        result = plan(policy, days, {"IO": people, "KA": people[:300], "TL": people[:40]})
        seats = Counter(code for code, _ in result.enrolments)
        capacity = {s.code: s.capacity for s in result.new_sessions}
        assert all(seats[code] <= capacity[code] for code in seats)
        assert 1340 == len(result.enrolments)
        assert all(s.held_on in days for s in result.new_sessions)
        assert [] == result.unplaced

    def test_nobody_has_two_sessions_on_one_day(self, policy: Policy, days: list[date]) -> None:
        """A person on several tracks is booked on different days."""
        people = [f"E{n:04d}" for n in range(400)]
        demand = dict.fromkeys(("TL", "TM", "IO", "NP", "RS", "NY", "KA"), people)
        result = plan(policy, days, demand)
        day_of = {s.code: s.held_on for s in result.new_sessions}
        booked = Counter((who, day_of[code]) for code, who in result.enrolments)
        assert 1 == max(booked.values())

    def test_sessions_spread_over_the_quarter(self, policy: Policy, days: list[date]) -> None:
        """Sessions are spread, not piled on the first days."""
        people = [f"E{n:04d}" for n in range(1500)]
        result = plan(policy, days, {"IO": people})
        held = sorted(s.held_on for s in result.new_sessions)
        assert 10 == len(held)
        assert held[-1] > date(2026, 12, 1)
        assert len(set(held)) == len(held)

    def test_codes_are_short_and_unique(self, policy: Policy, days: list[date]) -> None:
        """Codes like 26Q4-IO-03 can be written on a sign-in sheet."""
        result = plan(policy, days, {"IO": [f"E{n}" for n in range(400)]})
        assert ["26Q4-IO-01", "26Q4-IO-02", "26Q4-IO-03"] == [s.code for s in result.new_sessions]


class TestReplanning:
    def test_rerun_moves_and_duplicates_nothing(self, policy: Policy, days: list[date]) -> None:
        """Planning again with the first plan as existing changes nothing."""
        demand = {"IO": [f"E{n}" for n in range(200)], "KA": [f"E{n}" for n in range(50)]}
        first = plan(policy, days, demand)
        again = plan(policy, days, demand, existing=first.new_sessions)
        assert ([], [], []) == (again.new_sessions, again.enrolments, again.withdrawals)

    def test_joiners_enrolled_and_leavers_withdrawn(self, policy: Policy, days: list[date]) -> None:
        """A new roster enrols joiners in existing sessions and withdraws leavers."""
        first = plan(policy, days, {"IO": ["E1", "E2", "E3"]})
        [session] = first.new_sessions
        again = plan(policy, days, {"IO": ["E1", "E2", "E4"]}, existing=first.new_sessions)
        assert [] == again.new_sessions
        assert [(session.code, "E4")] == again.enrolments
        assert [(session.code, "E3")] == again.withdrawals
        assert session.held_on == first.new_sessions[0].held_on


class TestSeating:
    def test_top_leaders_sit_with_their_team(self, policy: Policy) -> None:
        """With joint_with, top leaders are seated in the team members' sessions."""
        from policy.schedule import seat_demand

        demand = seat_demand({"E1": ["top_leader", "in_office"], "E2": ["team_member"]}, policy)
        assert {"E1", "E2"} == demand["TM"]
        assert "TL" not in demand
        assert {"E1"} == demand["IO"]

    def test_pre_appointment_education_is_asked_once(self, policy: Policy) -> None:
        """Newly promoted cadres who did the programme in an earlier quarter are not asked again."""
        from policy.schedule import seat_demand

        demand = seat_demand(
            {"E1": ["newly_promoted"], "E2": ["newly_promoted"]}, policy, {("E1", "NP")}
        )
        assert {"E2"} == demand["NP"]


class TestMakeups:
    def test_absentees_get_the_next_makeup_and_nothing_moves(
        self, policy: Policy, days: list[date]
    ) -> None:
        """Absent people are booked on a make-up soon after; existing sessions stay put."""
        from policy.makeups import plan_makeups

        first = plan(policy, days, {"IO": [f"E{n}" for n in range(300)]})
        before = [(s.code, s.held_on) for s in first.new_sessions]
        later = [d for d in days if d >= date(2026, 11, 16)]
        makeup = plan_makeups(
            quarter=Q4,
            programmes=[policy.programme("IO")],
            absentees={"IO": ["E1", "E2", "E250"]},
            existing=first.new_sessions,
            days=later,
            rules=policy.sessions,
        )
        [session] = makeup.new_sessions
        assert ("26Q4-IO-M01", True) == (session.code, session.makeup)
        assert session.held_on in later[:3]
        assert {("26Q4-IO-M01", who) for who in ("E1", "E2", "E250")} == set(makeup.enrolments)
        assert before == [(s.code, s.held_on) for s in first.new_sessions]

        again = plan_makeups(
            quarter=Q4,
            programmes=[policy.programme("IO")],
            absentees={"IO": ["E1", "E2", "E250", "E7"]},
            existing=[*first.new_sessions, session],
            days=later,
            rules=policy.sessions,
        )
        assert ([], [("26Q4-IO-M01", "E7")]) == (again.new_sessions, again.enrolments)


class TestDeadlines:
    def test_pre_appointment_education_within_thirty_days(
        self, policy: Policy, days: list[date]
    ) -> None:
        """Newly promoted cadres' sessions fall within the policy's 30 days."""
        due = date(2026, 11, 14)
        result = plan_sessions(
            quarter=Q4,
            programmes=[policy.programme("NP")],
            demand={"NP": [f"E{n}" for n in range(300)]},
            existing=[],
            days=days,
            rules=policy.sessions,
            deadlines={"NP": due},
        )
        assert result.new_sessions
        assert all(s.held_on <= due for s in result.new_sessions)


class TestPlacementLooksForward:
    """Issue 36: joiners of 11-02 were put in sessions of 10-13, 10-14 and 10-16."""

    def test_a_joiner_is_never_placed_in_a_session_already_held(self, policy: Policy) -> None:
        calendar = calendar_for(Q4.starts_on, Q4.ends_on)
        at_start = calendar.working_days(date(2026, 10, 9), Q4.ends_on)
        first = plan(policy, at_start, {"IO": ["E1", "E2", "E3"]})
        [held] = first.new_sessions
        assert held.held_on < date(2026, 11, 2) and held.free > 0
        # the corrected roster of 11-02: new sessions may fall from its lead day on
        later = calendar.working_days(date(2026, 11, 9), Q4.ends_on)
        again = plan(policy, later, {"IO": ["E1", "E2", "E3", "E4"]}, existing=first.new_sessions)
        [(code, who)] = again.enrolments
        [ahead] = again.new_sessions
        assert ("E4", ahead.code) == (who, code)
        assert ahead.held_on >= date(2026, 11, 9)
        assert [] == again.withdrawals  # the people of the held session stay where they were

    def test_a_joiner_joins_a_session_still_ahead_with_a_free_seat(self, policy: Policy) -> None:
        calendar = calendar_for(Q4.starts_on, Q4.ends_on)
        days = calendar.working_days(date(2026, 10, 9), Q4.ends_on)
        people = [f"E{n:04d}" for n in range(300)]
        first = plan(policy, days, {"IO": people})
        later = calendar.working_days(date(2026, 11, 9), Q4.ends_on)
        again = plan(policy, later, {"IO": [*people, "E9999"]}, existing=first.new_sessions)
        day_of = {s.code: s.held_on for s in first.new_sessions + again.new_sessions}
        [(code, _)] = again.enrolments
        assert day_of[code] >= date(2026, 11, 9)


class TestRoomForMakeups:
    """Issue 36: a full first session overflowed into one on the quarter's last working day
    (12-31), always for the highest employee ids."""

    def test_first_rounds_end_early_enough_for_a_makeup(self, policy: Policy) -> None:
        from policy.schedule import schedule_quarter

        calendar = calendar_for(Q4.starts_on, Q4.ends_on)
        people = {f"E{n:05d}": {"in_office": "r"} for n in range(900)}
        plan = schedule_quarter(
            quarter=Q4,
            policy=policy,
            tracks=people,
            done_before=set(),
            existing=[],
            working_days=calendar.working_days,
            lead_day=calendar.shift_working_days(date(2026, 9, 30), 5),
            as_of=date(2026, 9, 30),
        )
        quarter_days = calendar.working_days(Q4.starts_on, Q4.ends_on)
        last_first_round = quarter_days[-1 - policy.sessions.first_round_ends_working_days_before]
        assert plan.new_sessions and all(s.held_on <= last_first_round for s in plan.new_sessions)

    def test_the_overflow_is_not_always_the_highest_ids(
        self, policy: Policy, days: list[date]
    ) -> None:
        people = [f"E{n:04d}" for n in range(160)]  # one session of 150 and ten more
        result = plan(policy, days, {"IO": people})
        second = {who for code, who in result.enrolments if code == "26Q4-IO-02"}
        assert 10 == len(second)
        assert second != set(people[-10:])


def test_one_more_absentee_joins_the_next_makeup_with_notice(policy: Policy) -> None:
    """Issue 36: single-person make-ups each became a whole session. A make-up four working
    days ahead (within the lead time for a new one, beyond the notice) takes a newcomer."""
    from policy.makeups import plan_makeups

    calendar = calendar_for(Q4.starts_on, Q4.ends_on)
    makeup = SessionPlan(
        "26Q4-IO-M01",
        "IO",
        1,
        date(2026, 11, 12),
        policy.sessions.start_time,
        "A",
        50,
        {"E1"},
        makeup=True,
    )
    as_of = date(2026, 11, 6)  # a Friday: 11-12 is four working days ahead
    common = {
        "quarter": Q4,
        "programmes": [p for p in policy.programmes if p.code == "IO"],
        "absentees": {"IO": ["E2"]},
        "existing": [makeup],
        "days": calendar.working_days(calendar.shift_working_days(as_of, 5), Q4.ends_on),
        "rules": policy.sessions,
    }
    joined = plan_makeups(**common, join_from=calendar.shift_working_days(as_of, 3))
    assert ([], [("26Q4-IO-M01", "E2")]) == (joined.new_sessions, joined.enrolments)
    alone = plan_makeups(**common)
    assert 1 == len(alone.new_sessions)
