"""Calendar entries (RFC 5545) for invitations and withdrawals: one UID per person's place.

Made when a message is sent, from its send key and its session: nothing is stored per person,
and each session's entry is made once for everyone in it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from core.send_keys import place_of

ZONE = "Asia/Shanghai"


def place_uid(session_code: str, employee_id: str) -> str:
    """The same for the first invitation, an update and a cancellation of one place."""
    digest = hashlib.sha256(f"{session_code}:{employee_id}".encode()).hexdigest()[:32]
    return f"{digest}@lianjie"


def calendar_entry(
    *,
    uid: str,
    cancel: bool,
    sequence: int,
    held_on: date,
    starts_at: time,
    ends_at: time,
    summary: str,
    venue: str,
    zone: str = ZONE,
) -> str:
    """An .ics text: METHOD REQUEST to put the session in a calendar, CANCEL to take it out."""
    tz = ZoneInfo(zone)
    calendar = Calendar()
    calendar.add("prodid", "-//lianjie//integrity education//ZH")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", datetime.combine(held_on, starts_at, tz))
    event.add("dtstart", datetime.combine(held_on, starts_at, tz))
    event.add("dtend", datetime.combine(held_on, ends_at, tz))
    event.add("summary", summary)
    event.add("location", venue)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(timezone(zone))
    calendar.add_component(event)
    return str(calendar.to_ical().decode())


@cache
def timezone(zone: str) -> Timezone:
    """The zone's VTIMEZONE, built once: working out its transitions costs ~50 ms each time."""
    return Timezone.from_tzid(zone)


# Stands for a place's UID in an entry made once per session: the same length, so that the
# calendar format's line folding never splits it.
UID_SLOT = "0" * 32 + "@lianjie"


@dataclass(frozen=True, slots=True)
class Occasion:
    """What a calendar needs of a session."""

    held_on: date
    starts_at: time
    ends_at: time
    summary: str
    venue: str


class CalendarEntries:
    """The calendar entry of each invitation and withdrawal as it is sent."""

    def __init__(self, occasion: Callable[[str], Occasion | None]) -> None:
        self._occasion = cache(occasion)
        self._made: dict[tuple[str, int, bool], str] = {}

    def of(self, send_key: str) -> str | None:
        place = place_of(send_key)
        if place is None:
            return None
        code, who, revision, cancel = (
            place.session_code,
            place.employee_id,
            place.revision,
            place.cancel,
        )
        occasion = self._occasion(code)
        if occasion is None:
            return None
        key = (code, revision, cancel)
        if key not in self._made:
            self._made[key] = calendar_entry(
                uid=UID_SLOT,
                cancel=cancel,
                sequence=revision,
                held_on=occasion.held_on,
                starts_at=occasion.starts_at,
                ends_at=occasion.ends_at,
                summary=occasion.summary,
                venue=occasion.venue,
            )
        return self._made[key].replace(UID_SLOT, place_uid(code, who))
