"""The pure roster stage: who stays, joins, leaves, changes or is kept; warnings; a partial file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.domain import CompletionStatus, LeadershipRole, Quarter, Reject, SessionPlan
from core.exceptions import LianjieInputError
from core.roster_changes import ChangeKind
from flows.dispatch import check_dispatch_date
from harness.factories import cadre, roster_row, write_roster
from intake.read import read_table
from intake.roster import parse_roster
from models.facts import CompletionInfo
from policy.progress import pending_makeups
from policy.roster import decide_roster, missing_column_warnings, too_many_leavers
from policy.roster_warnings import structure_warnings

E1 = cadre(employee_id="E1", name="甲", leadership_role=LeadershipRole.top_leader)
E2 = cadre(employee_id="E2", name="乙", phone="13900000002")
E3 = cadre(employee_id="E3", name="丙")


def decide(accepted, rejects=(), *, current=(), previous=()):  # type: ignore[no-untyped-def]
    return decide_roster(
        accepted=list(accepted),
        rejects=list(rejects),
        rows={c.employee_id: n for n, c in enumerate(accepted, start=2)},
        current={c.employee_id: c for c in current},
        previous={c.employee_id: c for c in previous},
        quarter=Quarter(2026, 4),
    )


def bad_phone(who: str, row: int = 3) -> Reject:
    return Reject(row, "phone", "'138001380' is not a mainland mobile number", {"employee_id": who})


class TestRejectedRowIsNotALeaver:
    def test_a_rejected_row_keeps_this_quarters_record(self) -> None:
        """E2's row has a phone a digit short: E2 stays with the record the quarter had."""
        decision = decide([E1, E3], [bad_phone("E2")], current=[E1, E2, E3])
        assert [] == decision.left
        assert E2 in decision.cadres
        assert ["E2"] == [k.employee_id for k in decision.kept]
        expected = (
            "kept from 2026Q4's earlier roster: row 3 rejected "
            "('138001380' is not a mainland mobile number)"
        )
        assert expected == decision.kept[0].note

    def test_on_a_quarters_first_roster_the_previous_quarters_record_is_kept(self) -> None:
        """With nothing yet in the quarter, the record comes from the previous quarter."""
        decision = decide([E1, E3], [bad_phone("E2")], previous=[E1, E2, E3])
        assert "2026Q3" == decision.kept[0].kept_from
        assert [] == decision.left

    def test_a_newcomer_whose_only_row_is_bad_is_not_invented(self) -> None:
        """A rejected row of someone never seen before has no record to keep."""
        decision = decide([E1], [bad_phone("E9")], current=[E1])
        assert [] == decision.kept
        assert [E1] == decision.cadres

    def test_a_duplicate_row_does_not_count_as_kept(self) -> None:
        """The second row of an accepted person is rejected; the person is simply on the roster."""
        duplicate = Reject(
            9, "employee_id", "duplicate employee_id E1, first on row 2", {"employee_id": "E1"}
        )
        decision = decide([E1], [duplicate], current=[E1])
        assert [] == decision.kept

    def test_only_absence_makes_a_leaver(self) -> None:
        """A cadre missing from the file leaves; the change names the unit they left."""
        decision = decide([E1, E2], current=[E1, E2, E3])
        assert ["E3"] == [c.employee_id for c in decision.left]
        assert [("E3", ChangeKind.left)] == [(c.employee_id, c.change) for c in decision.changes]

    def test_changes_name_field_before_after_and_row(self) -> None:
        """A new post is a change with the row it came from."""
        promoted = cadre(employee_id="E3", name="丙", post="办公室主任")
        decision = decide([E1, E2, promoted], current=[E1, E2, E3])
        change = decision.changes[0]
        assert ("post", "综合科科长", "办公室主任", 4) == (
            change.field,
            change.before,
            change.after,
            change.source_row,
        )


class TestPartialRoster:
    def test_more_leavers_than_the_share_is_refused_with_numbers_and_units(self) -> None:
        """Two of three leaving is more than 10 %: the message gives the count and the unit."""
        decision = decide([E1], current=[E1, E2, E3])
        message = too_many_leavers(decision, max_share=0.10)
        assert message is not None
        assert "2 of 3 cadres (67%)" in message and "U01 (2)" in message
        assert "--accept-leavers" in message

    def test_a_share_within_the_policy_passes(self) -> None:
        """One of three leaving passes a 50 % share."""
        assert None is too_many_leavers(decide([E1, E2], current=[E1, E2, E3]), max_share=0.5)

    def test_the_first_roster_has_nobody_to_lose(self) -> None:
        """Nothing before it: no leavers, nothing to refuse."""
        assert None is too_many_leavers(decide([E1]), max_share=0.0)


class TestWarnings:
    def test_a_unit_without_top_leader_and_a_charge_of_a_gone_unit(self) -> None:
        """U02 has no top leader; E2 is in charge of U09, whose people all left, and of QL77,
        a code no roster had: a unit gone is not a code to check."""
        member = cadre(
            employee_id="E2",
            unit_code="U02",
            leadership_role=LeadershipRole.team_member,
            in_charge_of=("QL77", "U02", "U09"),
        )
        assert [
            "unit U02 has no top leader on the roster",
            "E2 is in charge of QL77, which is not a unit code on this or the last roster: "
            "check the code",
            "E2 is in charge of U09, which no cadre on the roster belongs to",
        ] == [str(w) for w in structure_warnings([E1, member], gone_units={"U09"})]

    def test_a_gone_unit_in_the_charge_of_many_is_one_warning(self) -> None:
        """A roster missing U09 and U10, each in the charge of many team members: a warning per
        unit naming the first five, not one per member (a partial province would log
        thousands)."""
        members = [
            cadre(
                employee_id=f"E{n:02d}",
                unit_code="U01",
                leadership_role=LeadershipRole.team_member,
                in_charge_of=("U09", "U10") if n < 8 else ("U10",),
            )
            for n in range(12, 0, -1)
        ]
        assert [
            "unit U01 has no top leader on the roster",
            "7 team members are in charge of U09, which no cadre on the roster belongs to: "
            "E01, E02, E03, E04, E05 and 2 more",
            "12 team members are in charge of U10, which no cadre on the roster belongs to: "
            "E01, E02, E03, E04, E05 and 7 more",
        ] == [str(w) for w in structure_warnings(members, gone_units={"U09", "U10"})]

    def test_missing_deciding_columns_name_tracks_and_counts(self) -> None:
        """No discipline status and no reserve column: both tracks undecided for everyone."""
        warnings = missing_column_warnings(
            ["discipline_status", "reserve_cadre", "email"], [E1, E2]
        )
        assert [
            "column discipline_status is missing: the admonition track could not be decided "
            "for 2 cadres",
            "column reserve_cadre is missing: the reserve track could not be decided for 2 cadres",
        ] == [str(w) for w in warnings]

    def test_a_mistyped_header_is_named(self, tmp_path: Path) -> None:
        """任职时间 is taken for what it most likely is: 任现职时间."""
        header = ["工号", "姓名", "单位编码", "单位名称", "职务", "任职时间"]
        path = write_roster(tmp_path / "r.csv", [[*roster_row(1)[:5], "2026-09-01"]], header=header)
        result = parse_roster(read_table(path))
        assert [("任职时间", "任现职时间")] == result.header_hints
        assert "appointed_on" in result.missing_columns


class TestDatesTyped:
    @pytest.mark.parametrize(
        ("typed", "refused"),
        [("2026-11-26", False), ("2026-11-27", False), ("2026-11-28", True), ("2027-01-05", True)],
    )
    def test_dispatch_after_tomorrow_needs_allow_future(self, typed: str, refused: bool) -> None:
        """On 2026-11-26 a dispatch up to tomorrow goes; later needs --allow-future."""
        on, today = dt.date.fromisoformat(typed), dt.date(2026, 11, 26)
        if refused:
            with pytest.raises(LianjieInputError, match="--allow-future"):
                check_dispatch_date(on, today=today, allow_future=False)
        else:
            check_dispatch_date(on, today=today, allow_future=False)
        check_dispatch_date(on, today=today, allow_future=True)


class TestPendingMakeups:
    def test_a_makeup_without_outcome_is_pending_and_one_with_absence_is_not(self) -> None:
        """E1 is booked on M01 with no row back: pending. E2 was absent at M01: not pending."""
        day, at = dt.date(2026, 10, 24), dt.time(9)
        sessions = [
            SessionPlan("26Q4-IO-01", "IO", 1, dt.date(2026, 10, 13), at, "A", 50, makeup=False),
            SessionPlan("26Q4-IO-M01", "IO", 1, day, at, "A", 50, makeup=True),
        ]
        enrolments = [("26Q4-IO-M01", "E1", "enrolled"), ("26Q4-IO-M01", "E2", "enrolled")]
        absent = CompletionInfo(
            "E2", "IO", "26Q4-IO-M01", CompletionStatus.absent, None, None, "s", 2
        )
        assert {("E1", "IO")} == pending_makeups(sessions, enrolments, [absent])
