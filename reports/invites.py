"""Calendar entries (RFC 5545) for invitations and withdrawals: one UID per person's place."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

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
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode())
