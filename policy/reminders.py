"""Which messages are due when: holiday reminders and session invitations, planned purely."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from core.domain import Channel, MessageKind, SessionPlan
from core.send_keys import holiday_key, place_key
from policy.calendar import HolidayBreak, WorkingCalendar
from policy.config import Reminders


@dataclass(frozen=True, slots=True)
class Recipient:
    """A cadre as a message reaches them."""

    employee_id: str
    name: str
    phone: str | None
    email: str | None
    # The pointed wording: the key areas of the person's own post, in words ("管钱、管人");
    # admonition cadres without a key post get their own, which claims no key post.
    key_areas: str = ""
    admonition: bool = False
    # Whoever tells them in person when no channel reaches them: the organiser's e-mail.
    relay: str | None = None

    def addresses(self, channels: Iterable[Channel]) -> list[tuple[Channel, str]]:
        """The channels this person can be reached on, with the address for each; with none,
        the organiser's e-mail, to pass the message on."""
        own = [
            (c, address)
            for c in channels
            if (address := self.phone if c == Channel.sms else self.email)
        ]
        if own or not self.relay or Channel.email not in channels:
            return own
        return [(Channel.email, self.relay)]

    def relayed(self, address: str) -> bool:
        return not (self.phone or self.email) and address == self.relay


@dataclass(slots=True)
class PlannedMessage:
    """A message to put in the outbox; its send key makes it happen once.

    Not frozen, though nothing changes one: a frozen dataclass sets each field through
    `object.__setattr__`, which made building a province's half a million of them 2.5 times
    as slow.
    """

    send_key: str
    kind: MessageKind
    channel: Channel
    recipient: Recipient
    address: str
    due_on: date
    expires_on: date | None
    holiday: HolidayBreak | None = None
    session: SessionPlan | None = None


def reminder_due_on(holiday: HolidayBreak, calendar: WorkingCalendar, rules: Reminders) -> date:
    """The working day that falls the policy's number of working days before the break starts."""
    return calendar.shift_working_days(holiday.first_day, -rules.working_days_before)


def owned_breaks(
    *,
    holidays: Iterable[HolidayBreak],
    calendar: WorkingCalendar,
    rules: Reminders,
    window: tuple[date, date],
    as_of: date,
) -> list[tuple[HolidayBreak, date]]:
    """The breaks whose reminder falls due inside `window` (the quarter), each with the day it
    is sent, in the order they come.

    Owning a reminder by its due date, not by the holiday's date, lets Q4 remind of New Year's
    Day on 1 January and keeps Q1's cycle from planning it again.
    """
    first, last = window
    due = [
        (h, reminder_due_on(h, calendar, rules))
        for h in holidays
        if h.key in rules.holidays or h.key.startswith("extra:")
    ]
    owned = [
        (h, calendar.send_day(max(d, as_of), h.first_day - timedelta(days=1)))
        for h, d in due
        if first <= d <= last and h.first_day > as_of
    ]
    return sorted(owned, key=lambda owned_break: owned_break[0].first_day)


def plan_holiday_reminders(
    *,
    audience: Iterable[Recipient],
    owned: Iterable[tuple[HolidayBreak, date]],
    rules: Reminders,
) -> Iterator[PlannedMessage]:
    """A reminder on each of their channels for everyone in `audience`, before each break the
    quarter owns, on the day `owned_breaks` gives it."""
    audience = list(audience)
    for h, due_on in owned:
        for person in audience:
            for channel, address in person.addresses(rules.channels):
                yield PlannedMessage(
                    send_key=holiday_key(h.first_day, h.key, person.employee_id, channel),
                    kind=MessageKind.holiday_reminder,
                    channel=channel,
                    recipient=person,
                    address=address,
                    due_on=due_on,
                    expires_on=h.first_day - timedelta(days=1),
                    holiday=h,
                )


def extra_breaks(rules: Reminders) -> list[HolidayBreak]:
    """The organisation's own sensitive dates from the policy, shaped like holiday breaks."""
    return [
        HolidayBreak(f"extra:{e.on.isoformat()}", e.name_zh, e.name_en, e.on, e.on, False)
        for e in rules.extra_dates
    ]


def plan_session_messages(
    *,
    enrolments: Iterable[tuple[SessionPlan, Recipient]],
    calendar: WorkingCalendar,
    rules: Reminders,
    as_of: date,
) -> Iterator[PlannedMessage]:
    """An invitation now and a reminder the working day before, for each enrolment."""
    # Per session day, not per person: a province has 100,000 enrolments on some sixty days.
    due_days: dict[date, tuple[date, date]] = {}
    for session, person in enrolments:
        if session.held_on not in due_days:
            day_before = calendar.shift_working_days(
                session.held_on, -rules.session_reminder_working_days_before
            )
            due_days[session.held_on] = (
                calendar.send_day(as_of, session.held_on),
                calendar.send_day(max(day_before, as_of), session.held_on),
            )
        invite_on, remind_on = due_days[session.held_on]
        for channel, address in person.addresses(rules.channels):
            for kind, due_on in (
                (MessageKind.invitation, invite_on),
                (MessageKind.session_reminder, remind_on),
            ):
                yield (
                    PlannedMessage(
                        send_key=place_key(kind, session.code, person.employee_id, channel),
                        kind=kind,
                        channel=channel,
                        recipient=person,
                        address=address,
                        due_on=due_on,
                        expires_on=session.held_on,
                        session=session,
                    )
                )
