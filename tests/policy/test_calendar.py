"""The official working calendar: holidays, in-lieu days, overrides, estimated years."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from core.exceptions import LianjieInputError
from policy.calendar import calendar_for
from policy.config import Policy
from policy.reminders import reminder_due_on


@pytest.fixture(scope="module")
def calendar():  # type: ignore[no-untyped-def]
    return calendar_for(date(2025, 1, 1), date(2027, 12, 31))


class TestWorkingDays:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (date(2026, 2, 14), True),  # Saturday made a working day for the Spring Festival
            (date(2026, 2, 15), False),  # Sunday, first day of the break
            (date(2026, 2, 20), False),  # Friday inside the break
            (date(2026, 2, 23), False),  # Monday, last day of the break (in lieu of 2026-02-28)
            (date(2026, 2, 24), True),
            (date(2026, 2, 28), True),  # Saturday worked in lieu
            (date(2026, 1, 4), True),  # Sunday worked for New Year
            (date(2026, 10, 8), True),
            (date(2026, 10, 7), False),
            (date(2026, 9, 20), True),  # Sunday worked for National Day
            (date(2025, 1, 26), True),  # 2025 Spring Festival make-up Sunday
            (date(2025, 2, 4), False),
            (date(2025, 10, 11), True),  # 2025 National Day make-up Saturday
        ],
    )
    def test_official_notice(self, calendar, day: date, working: bool) -> None:  # type: ignore[no-untyped-def]
        """Working days follow the State Council's notices, make-up weekends included."""
        assert working == calendar.is_working_day(day)

    def test_breaks_of_2026(self, calendar) -> None:  # type: ignore[no-untyped-def]
        """Each break runs from its first to its last day off."""
        breaks = {
            b.key: (b.first_day, b.last_day)
            for b in calendar.breaks(date(2026, 1, 1), date(2026, 12, 31))
        }
        assert (date(2026, 2, 15), date(2026, 2, 23)) == breaks["spring_festival"]
        assert (date(2026, 10, 1), date(2026, 10, 7)) == breaks["national_day"]
        assert (date(2026, 5, 1), date(2026, 5, 5)) == breaks["labour_day"]
        assert (date(2026, 1, 1), date(2026, 1, 3)) == breaks["new_year"]

    def test_2025_mid_autumn_merges_into_national_day(self, calendar) -> None:  # type: ignore[no-untyped-def]
        """One break, one reminder, when two festivals share their days off."""
        breaks = calendar.breaks(date(2025, 9, 1), date(2025, 10, 31))
        assert [("national_day", date(2025, 10, 1))] == [(b.key, b.first_day) for b in breaks]

    def test_year_without_official_data_is_estimated(self, calendar) -> None:  # type: ignore[no-untyped-def]
        """2027 has no notice yet: its breaks are flagged as estimated."""
        assert calendar.is_estimated(2027)
        assert not calendar.is_estimated(2026)
        assert all(b.estimated for b in calendar.breaks(date(2027, 1, 1), date(2027, 12, 31)))

    def test_override_file_enters_an_official_notice(self, tmp_path: Path) -> None:
        """An operator can enter a year's notice before the library has it."""
        overrides = tmp_path / "calendar.toml"
        overrides.write_text(
            '[years.2027]\ndays_off = ["2027-02-11"]\nworking_days = ["2027-02-20"]\n'
        )
        calendar = calendar_for(date(2027, 1, 1), date(2027, 12, 31), overrides)
        assert not calendar.is_working_day(date(2027, 2, 11))
        assert calendar.is_working_day(date(2027, 2, 20))
        assert not calendar.is_estimated(2027)

    def test_broken_override_file_is_named(self, tmp_path: Path) -> None:
        """A malformed override file fails with its name."""
        overrides = tmp_path / "calendar.toml"
        overrides.write_text('[years.2027]\ndays_off = ["not a date"]\n')
        with pytest.raises(LianjieInputError, match=r"calendar\.toml"):
            calendar_for(date(2027, 1, 1), date(2027, 12, 31), overrides)


class TestReminderTiming:
    @pytest.mark.parametrize(
        ("key", "year", "due"),
        [
            ("spring_festival", 2026, date(2026, 2, 12)),  # 02-14 is a working Saturday: it counts
            ("national_day", 2026, date(2026, 9, 28)),
            ("labour_day", 2026, date(2026, 4, 28)),
            ("new_year", 2026, date(2025, 12, 29)),
            ("new_year", 2027, date(2026, 12, 29)),
        ],
    )
    def test_three_working_days_before_the_break(
        self,
        calendar,
        policy: Policy,
        key: str,  # type: ignore[no-untyped-def]
        year: int,
        due: date,
    ) -> None:
        """Due three working days before the first day off, never on a day off."""
        [holiday] = [
            b for b in calendar.breaks(date(year, 1, 1), date(year, 12, 31)) if b.key == key
        ]
        assert due == reminder_due_on(holiday, calendar, policy.reminders)
        assert calendar.is_working_day(due)


class TestHolidayReminderPlan:
    def audience(self):  # type: ignore[no-untyped-def]
        from policy.reminders import Recipient

        return [
            Recipient("E1", "张伟", "13800138000", "e1@example.cn", key_areas="管钱"),
            Recipient("E2", "李娜", None, "e2@example.cn"),
        ]

    def plan(self, calendar, policy: Policy, first: date, last: date):  # type: ignore[no-untyped-def]
        from policy.reminders import owned_breaks, plan_holiday_reminders

        owned = owned_breaks(
            holidays=calendar.breaks(first, last + timedelta(days=45)),
            calendar=calendar,
            rules=policy.reminders,
            window=(first, last),
            as_of=first,
        )
        return list(
            plan_holiday_reminders(audience=self.audience(), owned=owned, rules=policy.reminders)
        )

    def test_new_year_belongs_to_the_quarter_before(self, calendar, policy: Policy) -> None:  # type: ignore[no-untyped-def]
        """Q4 plans New Year's reminder (due 29 December); Q1 does not plan it again."""
        q4 = self.plan(calendar, policy, date(2026, 10, 1), date(2026, 12, 31))
        q1 = self.plan(calendar, policy, date(2027, 1, 1), date(2027, 3, 31))
        assert {"new_year"} == {m.holiday.key for m in q4}  # type: ignore[union-attr]
        assert "new_year" not in {m.holiday.key for m in q1}  # type: ignore[union-attr]
        assert {"spring_festival"} <= {m.holiday.key for m in q1}  # type: ignore[union-attr]

    def test_one_message_per_person_channel_and_holiday(self, calendar, policy: Policy) -> None:  # type: ignore[no-untyped-def]
        """Send keys are unique: recipient × purpose × date × channel; no phone, no text."""
        planned = self.plan(calendar, policy, date(2026, 1, 1), date(2026, 3, 31))
        keys = [m.send_key for m in planned]
        assert len(keys) == len(set(keys))
        spring = [m for m in planned if m.holiday and m.holiday.key == "spring_festival"]
        assert {("E1", "sms"), ("E1", "email"), ("E2", "email")} == {
            (m.recipient.employee_id, m.channel.value) for m in spring
        }
        assert {date(2026, 2, 12)} == {m.due_on for m in spring}

    def test_estimated_year_is_still_reminded_on_working_days(
        self, calendar, policy: Policy
    ) -> None:  # type: ignore[no-untyped-def]
        """2027 has no official notice: reminders are planned, flagged, never on a day off."""
        planned = self.plan(calendar, policy, date(2027, 4, 1), date(2027, 6, 30))
        assert planned
        assert all(m.holiday and m.holiday.estimated for m in planned)
        assert all(calendar.is_working_day(m.due_on) for m in planned)


def test_every_flow_builds_the_calendar_through_the_one_helper(tmp_path: Path) -> None:
    """The override file makes a year official wherever a calendar is used: flows never call
    calendar_for directly (accountability-reports once did, and printed "estimated")."""
    import ast

    from core.settings import Settings
    from flows.common import working_calendar

    for module in Path("flows").glob("*.py"):
        calls = {
            node.func.id
            for node in ast.walk(ast.parse(module.read_text()))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert module.name == "common.py" or "calendar_for" not in calls, module
    overrides = tmp_path / "calendar.toml"
    overrides.write_text('[years.2031]\ndays_off = ["2031-10-01"]\n', encoding="utf-8")
    config = Settings(calendar_overrides=overrides)
    assert not working_calendar(config, date(2031, 10, 1), date(2031, 12, 31)).is_estimated(2031)
    assert Settings(calendar_overrides=None) and working_calendar(
        Settings(calendar_overrides=None), date(2031, 10, 1), date(2031, 12, 31)
    ).is_estimated(2031)


def test_the_year_report_runs_on_the_first_working_day_of_january() -> None:
    """The annual-report schedule fires on 1–10 January; the work is done on this day only."""
    calendar = calendar_for(date(2027, 1, 1), date(2027, 1, 31))
    assert date(2027, 1, 4) == calendar.next_working_day(date(2027, 1, 1))
