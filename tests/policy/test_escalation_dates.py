"""The ladder's glue, pure: each person is chased from their own session's day, never before."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from core.domain import CompletionStatus, LeadershipRole, SessionPlan, Track
from models.facts import CompletionInfo, ProgrammeInfo
from policy.config import Policy
from policy.escalation import (
    CADRE,
    TEAM_MEMBER,
    TOP_LEADER,
    ladder,
    overdue_items,
    responsibility_chain,
)
from policy.progress import Attendance, Requirement, Standing, standings
from tests.factories import cadre, quarter_data

IO = ProgrammeInfo("IO", Track.in_office, "在职干部", "In office", 1, 80, False)
AT = time(9)
EARLY, LATE = date(2026, 11, 2), date(2026, 12, 30)
SESSIONS = [
    SessionPlan("26Q4-IO-01", "IO", 1, EARLY, AT, "A", 50, makeup=False),
    SessionPlan("26Q4-IO-02", "IO", 1, LATE, AT, "A", 50, makeup=False),
]


def city():  # type: ignore[no-untyped-def]
    """E1 sits on 11-02, E2 on 12-30 (the enrolment read last); TM answers for U01, TL leads it."""
    people = [
        cadre(employee_id="E1"),
        cadre(employee_id="E2"),
        cadre(
            employee_id="TM",
            leadership_role=LeadershipRole.team_member,
            in_charge_of=("U01",),
        ),
        cadre(employee_id="TL", leadership_role=LeadershipRole.top_leader),
    ]
    return quarter_data(
        cadres=people,
        tracks={"E1": {Track.in_office: "r"}, "E2": {Track.in_office: "r"}},
        programmes=[IO],
        sessions=SESSIONS,
        enrolments=[("26Q4-IO-01", "E1", "enrolled"), ("26Q4-IO-02", "E2", "enrolled")],
    )


def chased(policy: Policy, on: date, already: set[tuple[str, str, int]] | None = None):  # type: ignore[no-untyped-def]
    data = city()
    steps = ladder(
        overdue_items(data, on),
        on=on,
        rules=policy.escalation,
        chain=responsibility_chain(data),
        already=already or set(),
    )
    return {
        (s.level, s.recipient.employee_id, i.employee_id, i.due_on) for s in steps for i in s.items
    }


class TestOwnDueDates:
    def test_each_person_is_due_on_their_own_session(self, policy: Policy) -> None:
        """E1 on 11-02, E2 on 12-30, whatever order the enrolments were read in."""
        assert {("E1", EARLY), ("E2", LATE)} == {
            (i.employee_id, i.due_on) for i in overdue_items(city(), QUARTER_END)
        }

    @pytest.mark.parametrize(
        ("days", "expected"),
        [
            (2, set()),
            (3, {(CADRE, "E1", "E1", EARLY)}),
            (10, {(CADRE, "E1", "E1", EARLY), (TEAM_MEMBER, "TM", "E1", EARLY)}),
            (
                20,
                {
                    (CADRE, "E1", "E1", EARLY),
                    (TEAM_MEMBER, "TM", "E1", EARLY),
                    (TOP_LEADER, "TL", "E1", EARLY),
                },
            ),
        ],
    )
    def test_before_on_and_after_each_grace_period(
        self, policy: Policy, days: int, expected: set[tuple[int, str, str, date]]
    ) -> None:
        """Days after E1's session: 2 nobody, 3 E1, 10 the team member, 20 the top leader;
        E2, whose session is on 12-30, is never chased before it."""
        assert expected == chased(policy, EARLY + timedelta(days=days))

    def test_a_person_whose_session_is_ahead_is_not_chased(self, policy: Policy) -> None:
        """On 12-29 (the New Year reminders' day) E2's session is still ahead."""
        assert "E2" not in {who for _, _, who, _ in chased(policy, date(2026, 12, 29))}

    def test_a_makeup_moves_the_day(self, policy: Policy) -> None:
        """E1 booked on a make-up on 11-20 is due on 11-20."""
        data = city()
        makeup = SessionPlan("26Q4-IO-M01", "IO", 1, date(2026, 11, 20), AT, "A", 50, makeup=True)
        data = type(data)(
            **{
                **{f: getattr(data, f) for f in data.__dataclass_fields__},
                "sessions": [*SESSIONS, makeup],
                "enrolments": [*data.enrolments, ("26Q4-IO-M01", "E1", "enrolled")],
            }
        )
        due = {i.employee_id: i.due_on for i in overdue_items(data, QUARTER_END)}
        assert date(2026, 11, 20) == due["E1"]

    def test_leavers_are_on_no_rung(self, policy: Policy) -> None:
        """A team member no longer on the roster gets no digest."""
        data = city()
        data = type(data)(
            **{
                **{f: getattr(data, f) for f in data.__dataclass_fields__},
                "cadres": [c for c in data.cadres if c.employee_id != "TM"],
            }
        )
        assert {} == dict(responsibility_chain(data).in_charge)


QUARTER_END = date(2026, 12, 31)


class TestPassMark:
    RULE = Requirement("E1", Track.in_office, "IO", 1, 80)

    def row(self, status: CompletionStatus, score: float | None) -> Attendance:
        return Attendance("E1", "IO", status, score)

    @pytest.mark.parametrize(
        ("rows", "expected"),
        [
            ([(CompletionStatus.attended, 85)], Standing.complete),
            ([(CompletionStatus.attended, 60)], Standing.failed),
            ([(CompletionStatus.attended, None)], Standing.scheduled),
            ([(CompletionStatus.attended, 60), (CompletionStatus.attended, 90)], Standing.complete),
            ([(CompletionStatus.excused, None)], Standing.excused),
        ],
    )
    def test_a_score_is_needed_and_below_the_mark_is_failed(
        self, rows: list[tuple[CompletionStatus, float | None]], expected: Standing
    ) -> None:
        """80 to pass: 85 completes, 60 fails, no score is not enough, a passed retest completes."""
        got = standings([self.RULE], [self.row(*r) for r in rows], as_of=QUARTER_END)
        assert expected == got[("E1", "IO")]

    def test_attendance_alone_counts_where_the_policy_says_so(self) -> None:
        """attendance_counts: attending without a score completes it."""
        rule = Requirement("E1", Track.in_office, "IO", 1, 80, attendance_counts=True)
        got = standings([rule], [self.row(CompletionStatus.attended, None)], as_of=QUARTER_END)
        assert Standing.complete == got[("E1", "IO")]

    def test_a_failure_is_chased_like_outstanding(self, policy: Policy) -> None:
        """E1 scored 60 at the 11-02 session: chased from 11-05."""
        data = city()
        scored = CompletionInfo("E1", "IO", "26Q4-IO-01", CompletionStatus.attended, 60, 2, "s", 2)
        data = type(data)(
            **{**{f: getattr(data, f) for f in data.__dataclass_fields__}, "completions": [scored]}
        )
        assert "E1" in {i.employee_id for i in overdue_items(data, QUARTER_END)}
