"""Make-up sessions: the next chance for each person absent or excused, never moving a session."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from core.domain import Quarter, SessionPlan
from policy.config import ProgrammeRule, Sessions
from policy.seating import SchedulePlan, new_session, occupancy, seat, session_code


def plan_makeups(
    *,
    quarter: Quarter,
    programmes: Iterable[ProgrammeRule],
    absentees: Mapping[str, Iterable[str]],
    existing: Iterable[SessionPlan],
    days: list[date],
    rules: Sessions,
    join_from: date | None = None,
) -> SchedulePlan:
    """Offer each absent or excused person the next make-up session of what they missed.

    Sessions never move; a person booked on a make-up still to come is left alone. A make-up
    from `join_from` (the policy's notice) with a free seat takes them rather than a new one
    (codes like 26Q4-IO-M01) on the working days `days`."""
    plan = SchedulePlan()
    existing = list(existing)
    busy, load = occupancy(existing)
    first = days[0] if days else date.max
    if join_from is not None:
        first = min(first, join_from)
    for programme in programmes:
        mine = [s for s in existing if s.programme_code == programme.code]
        own_days = {s.held_on for s in mine}
        coming = [s for s in mine if s.makeup and s.held_on >= first]
        booked = set().union(*(s.enrolled for s in coming)) if coming else set()
        makeups = sum(1 for s in mine if s.makeup)
        for person in sorted(set(absentees.get(programme.code, ())) - booked):
            target = next((s for s in coming if s.free > 0 and s.held_on not in busy[person]), None)
            if target is None:
                makeups += 1
                code = session_code(quarter, programme.code, makeups, makeup=True)
                target = new_session(
                    code, programme, 1, days, own_days, busy[person], load, rules, makeup=True
                )
                if target is None:
                    plan.unplaced.append((programme.code, person))
                    continue
                mine.append(target)
                own_days.add(target.held_on)
                coming.append(target)
                plan.new_sessions.append(target)
            seat(plan, target, person, busy)
    return plan
