"""Schedules computed from the official calendar (issue 39, item 1), read back by Prefect's own
scheduler: every run on a working day, the quarterly ones on each quarter's first working day."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from prefect.server.schemas.schedules import RRuleSchedule

from policy.calendar import calendar_for
from policy.schedules import first_working_days, working_mornings

SHANGHAI = ZoneInfo("Asia/Shanghai")


def fired(rrule: str, year: int) -> list[datetime]:
    """The moments Prefect's scheduler creates runs at over the year, in Beijing time."""
    schedule = RRuleSchedule(rrule=rrule, timezone="Asia/Shanghai")
    start = datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = datetime(year, 12, 31, 23, 59, tzinfo=SHANGHAI)
    dates = asyncio.run(schedule.get_dates(n=1000, start=start, end=end))
    return [d.astimezone(SHANGHAI) for d in dates]


@pytest.mark.parametrize("year", [2026, 2027])
def test_every_working_morning_and_no_other(year: int) -> None:
    calendar = calendar_for(date(year, 1, 1), date(year, 12, 31))
    schedule = working_mornings(calendar, year, time(8))
    moments = fired(schedule.rrule, year)
    assert [m.date() for m in moments] == schedule.days
    assert schedule.days == calendar.working_days(date(year, 1, 1), date(year, 12, 31))
    assert {(8, 0)} == {(m.hour, m.minute) for m in moments}
    if year == 2026:
        assert date(2026, 10, 1) not in schedule.days  # National Day
        assert date(2026, 10, 8) in schedule.days
        assert date(2026, 10, 10) in schedule.days  # a Saturday worked for National Day


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_quarterly_runs_fall_on_each_quarters_first_working_day(year: int) -> None:
    calendar = calendar_for(date(year, 1, 1), date(year, 12, 31))
    schedule = first_working_days(calendar, year, time(8))
    moments = fired(schedule.rrule, year)
    assert [m.date() for m in moments] == schedule.days
    assert all(calendar.is_working_day(d) for d in schedule.days)
    assert [d.month for d in schedule.days] == [1, 4, 7, 10]
    for day in schedule.days:
        assert not [d for d in calendar.working_days(day.replace(day=1), day) if d < day]
    if year == 2026:
        assert date(2026, 10, 8) in schedule.days
    if year == 2027:
        assert date(2027, 1, 4) == schedule.days[0]  # not 1 January, nor the weekend


def test_the_yearly_run_falls_on_januarys_first_working_day() -> None:
    calendar = calendar_for(date(2027, 1, 1), date(2027, 12, 31))
    schedule = first_working_days(calendar, 2027, time(9), months=[1])
    assert [date(2027, 1, 4)] == [m.date() for m in fired(schedule.rrule, 2027)]
