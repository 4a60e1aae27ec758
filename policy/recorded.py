"""What a returned sign-in sheet settles: who it recorded, who it left out, and from which day
a miss is known. Pure: the collect and dispatch flows ask it, the reports read its answers.

A session's sheet is *back* from the day its first rows were collected. Until then nothing is
known of the people enrolled in it: nobody is chased, nobody booked on a make-up. Once it is
back, everyone on it is settled by their own row. Everyone enrolled but absent from it, or
left blank on it, is *not recorded*; after the policy's wait (a second sheet may still come)
they are taken as absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from core.domain import EnrolmentStatus, SessionPlan
from models.facts import CompletionInfo


@dataclass(frozen=True, slots=True)
class NotRecorded:
    """A person enrolled in a session whose returned sheet does not record them."""

    session_code: str
    programme_code: str  # the programme whose sessions they sit in
    employee_id: str
    back_on: date  # the day the sheet came back without them


def collected(completions: Iterable[CompletionInfo], as_of: date) -> list[CompletionInfo]:
    """The rows collected by `as_of` (a row of an import from before 0.7 counts as collected
    on the day it was imported)."""
    return [c for c in completions if c.collected_on is None or c.collected_on <= as_of]


def sheets_back(completions: Iterable[CompletionInfo]) -> dict[str, date]:
    """Session code → the day its sheet came back: the first day rows naming it were collected."""
    back: dict[str, date] = {}
    for (code, _), day in rows_collected_on(completions).items():
        back[code] = min(day, back.get(code, day))
    return back


def not_recorded(
    sessions: Iterable[SessionPlan],
    enrolments: Iterable[tuple[str, str, str]],
    completions: Iterable[CompletionInfo],
    *,
    as_of: date,
) -> list[NotRecorded]:
    """People enrolled in a session whose sheet was back by `as_of` and has no row for them,
    by session then employee id."""
    rows = collected(completions, as_of)
    back = sheets_back(rows)
    recorded = {(c.session_code, c.employee_id) for c in rows if c.session_code}
    held = {s.code: s for s in sessions}
    missing: list[NotRecorded] = []
    for code, who, status in sorted(enrolments):
        session = held.get(code)
        if status != EnrolmentStatus.enrolled or session is None or code not in back:
            continue
        if (code, who) not in recorded:
            missing.append(NotRecorded(code, session.programme_code, who, back[code]))
    return missing


def taken_as_absent(
    missing: Iterable[NotRecorded], *, as_of: date, waited: Callable[[date], date]
) -> list[NotRecorded]:
    """The people not recorded whose wait has passed by `as_of`: `waited(back_on)` is the day
    the policy's wait after a sheet's return ends."""
    return [m for m in missing if waited(m.back_on) <= as_of]


def known_on(
    session: SessionPlan,
    employee_id: str,
    rows: dict[tuple[str, str], date],
    back: dict[str, date],
    waited: Callable[[date], date],
) -> date | None:
    """The day a person's outcome at a session became known: the day their row was collected,
    or, not recorded on its returned sheet, the end of the wait after it came back. None while
    the sheet is still expected."""
    if (session.code, employee_id) in rows:
        return rows[(session.code, employee_id)]
    if session.code in back:
        return waited(back[session.code])
    return None


def rows_collected_on(completions: Iterable[CompletionInfo]) -> dict[tuple[str, str], date]:
    """(session code, employee id) → the day their first row for it was collected."""
    days: dict[tuple[str, str], date] = {}
    for row in completions:
        if row.session_code is not None:
            key = (row.session_code, row.employee_id)
            day = row.collected_on or date.min
            days[key] = min(day, days.get(key, day))
    return days
