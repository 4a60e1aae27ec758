"""The deployments' schedules for a year, computed from the working calendar: pure.

A schedule is an iCalendar recurrence (RFC 5545), as Prefect's RRule schedules read it: a
rule that fires on weekdays, the year's weekday holidays taken out (EXDATE) and its make-up
working days on a weekend put in (RDATE). Times are the organisation's wall-clock times (no
zone in the text: the schedule carries Asia/Shanghai). So a run is created only on a day it has
work to do, and the runs list shows no run that declines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from policy.calendar import WorkingCalendar

WEEKDAYS = "MO,TU,WE,TH,FR"
QUARTER_MONTHS = (1, 4, 7, 10)


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """One kind of schedule over one year: its recurrence text and the days it fires on."""

    rrule: str
    days: list[date]
    left_out: list[date]  # weekdays the rule would fire on that are days off (EXDATE)
    added: list[date]  # days off by the rule that are working days (RDATE)


def _stamp(day: date, at: time) -> str:
    return datetime.combine(day, at).strftime("%Y%m%dT%H%M%S")


def _schedule(
    rule: str, first: date, at: time, days: list[date], *, out: set[date], extra: set[date]
) -> YearSchedule:
    lines = [f"DTSTART:{_stamp(first, at)}", f"RRULE:{rule}"]
    if out:
        lines.append("EXDATE:" + ",".join(_stamp(d, at) for d in sorted(out)))
    if extra:
        lines.append("RDATE:" + ",".join(_stamp(d, at) for d in sorted(extra)))
    return YearSchedule("\n".join(lines), days, sorted(out), sorted(extra))


def working_mornings(calendar: WorkingCalendar, year: int, at: time) -> YearSchedule:
    """Every working day of the year at `at`."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    working = calendar.working_days(first, last)
    weekdays = {d for d in _days(first, last) if d.weekday() < 5}
    rule = f"FREQ=DAILY;BYDAY={WEEKDAYS};UNTIL={_stamp(last, time(23, 59, 59))}"
    return _schedule(
        rule, first, at, working, out=weekdays - set(working), extra=set(working) - weekdays
    )


def first_working_days(
    calendar: WorkingCalendar, year: int, at: time, months: Iterable[int] = QUARTER_MONTHS
) -> YearSchedule:
    """The first working day of each of `months` at `at`: the rule's first weekday of the
    month, replaced where the official calendar moves it (1 January, National Day)."""
    months = sorted(months)
    first, last = date(year, 1, 1), date(year, 12, 31)
    wanted = [calendar.next_working_day(date(year, m, 1)) for m in months]
    first_weekdays = {
        next(d for d in _days(date(year, m, 1), date(year, m, 7)) if d.weekday() < 5)
        for m in months
    }
    rule = (
        f"FREQ=MONTHLY;BYMONTH={','.join(map(str, months))};BYDAY={WEEKDAYS};BYSETPOS=1;"
        f"UNTIL={_stamp(last, time(23, 59, 59))}"
    )
    return _schedule(
        rule,
        first,
        at,
        wanted,
        out=first_weekdays - set(wanted),
        extra=set(wanted) - first_weekdays,
    )


def _days(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
