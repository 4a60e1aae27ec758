"""The days and moments a run stands at: the day a cycle applies its rules on, the moment a
report stands at, a moment given in the UI read in the organisation's zone."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from core.domain import Quarter
from core.exceptions import LianjieInputError


def as_of_moment(day: date | None, now: datetime, *, allow_future: bool = False) -> datetime:
    """The moment a report stands at: now, or the end of an earlier day (a past quarter
    re-rendered as it stood then). A day still to come is refused, nothing is known of it,
    unless a simulation on a fake clock (the demo) allows it."""
    if day is None or day == now.date():
        return now
    if day > now.date() and not allow_future:
        raise LianjieInputError(
            f"as-of date {day} has not come yet (today is {now.date()}): give today or a day before"
        )
    return datetime.combine(day, time(23, 59), now.tzinfo)


def organisation_moment(
    moment: datetime, zone: tzinfo, now: datetime, *, allow_future: bool = False
) -> datetime:
    """A moment as the organisation tells time: one given without a zone is in its zone, one in
    another zone (the UI's date picker sends UTC) is converted; one still to come is refused,
    nothing is known of it, unless a simulation on a fake clock allows it."""
    local = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
    if local > now and not allow_future:
        raise LianjieInputError(
            f"as-of moment {local:%Y-%m-%d %H:%M} has not come yet (it is now {now:%Y-%m-%d %H:%M})"
        )
    return local


def rules_day(period: Quarter, given: date | None, today: date) -> date:
    """The day a cycle applies the rules on (newly promoted, discipline windows): the day given,
    else today; never before the quarter starts, so that a run before it, by the clock or
    with --as-of, means the same. A day after the quarter is refused."""
    day = max(given or today, period.starts_on)
    if day > period.ends_on:
        raise LianjieInputError(
            f"as-of date {day} is after {period.label} ended on {period.ends_on}: "
            f"run the quarter that contains it, or give a date within {period.label}"
        )
    return day


def reported_day(period: Quarter, given: date | None, today: date) -> date | None:
    """The day a quarter's report stands at: the one given, or — once the quarter has ended —
    its last day, so that later collections (January's sheets of December's sessions) do not
    change what the quarter's report says; None for now."""
    if given is not None or today <= period.ends_on:
        return given
    return period.ends_on


def report_moment(
    period: Quarter, given: date | None, now: datetime, *, allow_future: bool = False
) -> datetime:
    """The moment a quarter's report stands at (see reported_day and as_of_moment)."""
    return as_of_moment(reported_day(period, given, now.date()), now, allow_future=allow_future)
