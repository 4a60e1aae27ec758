"""The ladder's glue, pure: each person is chased from their own session's day, never before."""

from __future__ import annotations

from datetime import date, time

import pytest

from core.domain import CompletionStatus, LeadershipRole, SessionPlan, Track
from harness.factories import cadre, quarter_data
from models.facts import CompletionInfo
from models.placements import ProgrammeInfo
from policy.calendar import calendar_for
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


CALENDAR = calendar_for(date(2026, 10, 1), date(2026, 12, 31))
WAIT = 2


def with_(data, **changes):  # type: ignore[no-untyped-def]
    return type(data)(**{**{f: getattr(data, f) for f in data.__dataclass_fields__}, **changes})


def row(who: str, code: str, status: CompletionStatus, collected: date, score: float | None = None):  # type: ignore[no-untyped-def]
    return CompletionInfo(who, "IO", code, status, score, None, "s.csv", 2, None, collected)


MAKEUP = SessionPlan("26Q4-IO-M01", "IO", 1, date(2026, 12, 10), AT, "B", 50, makeup=True)


def missed_with_makeup(back: date | None, status: CompletionStatus = CompletionStatus.absent):  # type: ignore[no-untyped-def]
    """E1 missed 11-02 (their row collected `back`, or no sheet yet) and is booked on 12-10."""
    data = city()
    return with_(
        data,
        sessions=[*SESSIONS, MAKEUP],
        enrolments=[*data.enrolments, (MAKEUP.code, "E1", "enrolled")],
        completions=[] if back is None else [row("E1", "26Q4-IO-01", status, back)],
    )


def chased(policy: Policy, on: date, data=None, already: set[tuple[str, str, int]] | None = None):  # type: ignore[no-untyped-def]
    data = data if data is not None else missed_with_makeup(date(2026, 11, 3))
    steps = ladder(
        overdue_items(data, on, waited=lambda back: CALENDAR.shift_working_days(back, WAIT)),
        on=on,
        rules=policy.escalation,
        chain=responsibility_chain(data),
        already=already or set(),
        after_working_days=CALENDAR.shift_working_days,
    )
    return {
        (s.level, s.recipient.employee_id, i.employee_id, i.due_on) for s in steps for i in s.items
    }


class TestOwnDueDates:
    def test_each_person_is_due_on_the_session_they_missed(self, policy: Policy) -> None:
        """E1 missed 11-02 and is booked on a make-up: due 11-02, the make-up named."""
        [item] = overdue_items(missed_with_makeup(date(2026, 11, 3)), date(2026, 11, 20))
        assert ("E1", EARLY, MAKEUP.code) == (item.employee_id, item.due_on, item.makeup.code)  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        ("on", "expected"),
        [
            (date(2026, 11, 4), set()),  # two working days after 11-02
            (date(2026, 11, 5), {(CADRE, "E1", "E1", EARLY)}),  # three
            (date(2026, 11, 13), {(CADRE, "E1", "E1", EARLY)}),  # nine
            (
                date(2026, 11, 16),  # ten
                {(CADRE, "E1", "E1", EARLY), (TEAM_MEMBER, "TM", "E1", EARLY)},
            ),
            (
                date(2026, 11, 30),  # twenty
                {
                    (CADRE, "E1", "E1", EARLY),
                    (TEAM_MEMBER, "TM", "E1", EARLY),
                    (TOP_LEADER, "TL", "E1", EARLY),
                },
            ),
        ],
    )
    def test_each_rung_in_working_days_after_the_session(
        self, policy: Policy, on: date, expected: set[tuple[int, str, str, date]]
    ) -> None:
        """Working days after E1's session: 3 E1, 10 the team member, 20 the top leader; E2,
        whose session is on 12-30, is never chased before it."""
        assert expected == chased(policy, on)

    def test_a_friday_session_is_not_chased_on_monday(self, policy: Policy) -> None:
        """Issue 36: 21 people of a Friday session were chased on Monday 08:00, before their
        sheet came back at 15:00. Friday 11-27, sheet back Monday 11-30: chased Wednesday."""
        friday = SessionPlan("26Q4-IO-03", "IO", 1, date(2026, 11, 27), AT, "A", 50)
        data = city()
        data = with_(
            data,
            sessions=[*SESSIONS, friday, MAKEUP],
            enrolments=[
                ("26Q4-IO-03", "E1", "enrolled"),
                ("26Q4-IO-02", "E2", "enrolled"),
                (MAKEUP.code, "E1", "enrolled"),
            ],
            completions=[row("E1", "26Q4-IO-03", CompletionStatus.absent, date(2026, 11, 30))],
        )
        days = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]
        assert [set(), set(), {(CADRE, "E1", "E1", date(2026, 11, 27))}] == [
            chased(policy, d, data) for d in days
        ]

    def test_nobody_is_chased_while_the_sheet_is_expected(self, policy: Policy) -> None:
        assert set() == chased(policy, date(2026, 11, 30), missed_with_makeup(None))

    def test_a_sheet_back_late_starts_the_clock_when_it_comes(self, policy: Policy) -> None:
        """The sheet of 11-02 came back on 11-20: chased from 11-20, not before."""
        late = missed_with_makeup(date(2026, 11, 20))
        assert set() == chased(policy, date(2026, 11, 19), late)
        assert (CADRE, "E1", "E1", EARLY) in chased(policy, date(2026, 11, 20), late)

    def test_a_sheet_back_late_climbs_the_rungs_one_after_another(self, policy: Policy) -> None:
        """Back on 11-20, eighteen working days after the session: the cadre hears that day,
        the team member seven working days later (12-01), not all of them at once."""
        late = missed_with_makeup(date(2026, 11, 20))
        assert {CADRE} == {level for level, *_ in chased(policy, date(2026, 11, 20), late)}
        assert {CADRE} == {level for level, *_ in chased(policy, date(2026, 11, 30), late)}
        assert TEAM_MEMBER in {level for level, *_ in chased(policy, date(2026, 12, 1), late)}

    def test_left_off_a_returned_sheet_is_chased_after_the_wait(self, policy: Policy) -> None:
        """The sheet came back on 11-03 with E3 on it and not E1: E1 is not recorded, taken as
        absent two working days later (11-05), and chased from then."""
        data = missed_with_makeup(None)
        data = with_(
            data,
            enrolments=[*data.enrolments, ("26Q4-IO-01", "E3", "enrolled")],
            completions=[row("E3", "26Q4-IO-01", CompletionStatus.attended, date(2026, 11, 3))],
        )
        assert set() == chased(policy, date(2026, 11, 4), data)
        assert {(CADRE, "E1", "E1", EARLY)} == chased(policy, date(2026, 11, 5), data)

    def test_a_person_with_no_makeup_left_is_not_chased(self, policy: Policy) -> None:
        """Absent on 11-02 and no make-up booked: nothing to attend, so no chaser."""
        data = with_(city(), completions=[row("E1", "26Q4-IO-01", CompletionStatus.absent, EARLY)])
        assert set() == chased(policy, date(2026, 11, 30), data)

    def test_an_excused_person_is_not_chased(self, policy: Policy) -> None:
        data = missed_with_makeup(date(2026, 11, 3), CompletionStatus.excused)
        assert set() == chased(policy, date(2026, 11, 30), data)

    def test_a_person_whose_session_is_ahead_is_not_chased(self, policy: Policy) -> None:
        """On 12-29 (the New Year reminders' day) E2's session is still ahead."""
        assert "E2" not in {who for _, _, who, _ in chased(policy, date(2026, 12, 29))}

    def test_leavers_are_on_no_rung(self, policy: Policy) -> None:
        """A team member no longer on the roster gets no digest."""
        data = with_(city(), cadres=[c for c in city().cadres if c.employee_id != "TM"])
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
        """E1 scored 60 at the 11-02 session and is booked on a retest: chased from 11-05."""
        data = missed_with_makeup(date(2026, 11, 3), CompletionStatus.attended)
        data = with_(
            data,
            completions=[row("E1", "26Q4-IO-01", CompletionStatus.attended, date(2026, 11, 3), 60)],
        )
        assert "E1" in {i.employee_id for i in overdue_items(data, date(2026, 11, 5))}
