"""Sessions on working days, with capacity, nobody booked twice on a day: a pure planner."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from functools import partial
from zlib import crc32

from core.domain import Quarter, SessionPlan, Track
from policy.config import Policy, ProgrammeRule, Sessions
from policy.seating import SchedulePlan, first_free, new_session, occupancy, seat, session_code


def plan_sessions(
    *,
    quarter: Quarter,
    programmes: Iterable[ProgrammeRule],
    demand: Mapping[str, Iterable[str]],
    existing: Iterable[SessionPlan],
    days: list[date],
    rules: Sessions,
    deadlines: Mapping[str, date] | None = None,
) -> SchedulePlan:
    """Enrol everyone a programme requires, reusing existing sessions and never moving them.

    `demand` maps a programme code to the people who must attend it; `days` are the working days
    on which new sessions may be held, in order, and the first of them is the first day anyone
    may be placed (a session before it is never given to a newcomer); `deadlines` holds a
    programme's sessions to days up to a date (pre-appointment education is due within 30
    days), when there are such days.
    """
    plan = SchedulePlan()
    existing = list(existing)
    busy, load = occupancy(existing)
    first_day = days[0] if days else date.max  # the first day a place may be given
    sessions_by_programme: dict[str, list[SessionPlan]] = defaultdict(list)
    for session in existing:
        sessions_by_programme[session.programme_code].append(session)

    for programme in sorted(programmes, key=lambda p: (-len(set(demand.get(p.code, ()))), p.code)):
        wanted = set(demand.get(programme.code, ()))
        sessions = sessions_by_programme[programme.code]
        own_days = {s.held_on for s in sessions}
        for session in sessions:
            for person in sorted(session.enrolled - wanted):
                plan.withdrawals.append((session.code, person))
                session.enrolled.discard(person)
        deadline = (deadlines or {}).get(programme.code)
        in_time = [d for d in days if deadline is None or d <= deadline] or days
        windows = _round_windows(in_time, programme.sessions_per_quarter)
        for round_no, window in enumerate(windows, start=1):
            in_round = [s for s in sessions if s.round_no == round_no]
            placed = set().union(*(s.enrolled for s in in_round)) if in_round else set()
            # Only a session still ahead takes a newcomer: one already held (or too soon to
            # give notice of) would make them overdue the day they are placed.
            open_sessions = [
                s for s in in_round if s.free > 0 and not s.makeup and s.held_on >= first_day
            ]
            for person in sorted(wanted - placed, key=partial(_seat_order, quarter)):
                target = first_free(open_sessions, busy[person])
                if target is None:
                    code = session_code(quarter, programme.code, len(sessions) + 1)
                    target = new_session(
                        code, programme, round_no, window, own_days, busy[person], load, rules
                    )
                    if target is None:
                        plan.unplaced.append((programme.code, person))
                        continue
                    sessions.append(target)
                    own_days.add(target.held_on)
                    open_sessions.append(target)
                    plan.new_sessions.append(target)
                seat(plan, target, person, busy)
                if target.free == 0:
                    open_sessions.remove(target)
    return plan


def _seat_order(quarter: Quarter, person: str) -> tuple[int, str]:
    """The order people take seats in: mixed by the quarter, so that when a session is full
    the overflow is not always the same people (the highest employee ids)."""
    return crc32(f"{quarter.label}:{person}".encode()), person


def _round_windows(days: list[date], rounds: int) -> list[list[date]]:
    """Split the quarter's working days into equal windows, one per required session."""
    size = max(1, len(days) // rounds) if days else 0
    windows = [days[i * size : (i + 1) * size] for i in range(rounds)]
    if windows and days:
        windows[-1] = days[(rounds - 1) * size :]
    return windows


def ends_at(starts_at: time, duration_minutes: int) -> time:
    """When a session that starts at `starts_at` ends."""
    return (datetime.combine(date.min, starts_at) + timedelta(minutes=duration_minutes)).time()


def seat_demand(
    tracks: Mapping[str, Iterable[str]],
    policy: Policy,
    done_before: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> dict[str, set[str]]:
    """Who must sit in each programme's sessions: people of a joint programme sit in its host's.

    Once-only programmes (pre-appointment education) already done in an earlier quarter are
    not asked for again.
    """
    demand: dict[str, set[str]] = {p.code: set() for p in policy.programmes if not p.joint_with}
    # Each track's programmes and where they sit, found once, not for each of 100,000 people.
    seats = {
        track.value: [
            (p.code, demand[policy.seating(p.code)]) for p in policy.programmes_for(track)
        ]
        for track in Track
    }
    for employee_id, held in tracks.items():
        for track in held:
            for code, seated in seats[track]:
                if (employee_id, code) not in done_before:
                    seated.add(employee_id)
    return demand


def schedule_quarter(
    *,
    quarter: Quarter,
    policy: Policy,
    tracks: Mapping[str, Iterable[str]],
    done_before: set[tuple[str, str]],
    existing: Iterable[SessionPlan],
    working_days: Callable[[date, date], list[date]],
    lead_day: date,
    as_of: date,
) -> SchedulePlan:
    """The quarter's sessions and enrolments as tracks require them on `as_of`: new sessions
    from `lead_day` (the policy's lead time after `as_of`, within the quarter), pre-appointment
    education within its deadline, nobody asked again for a once-only programme done before."""
    due = as_of + timedelta(days=policy.windows.newly_promoted_due_days)
    ahead = working_days(max(quarter.starts_on, lead_day), quarter.ends_on)
    # First rounds end early enough for their make-ups; a joiner after that still gets a day.
    in_quarter = working_days(quarter.starts_on, quarter.ends_on)
    room = policy.sessions.first_round_ends_working_days_before
    last = in_quarter[-1 - room] if len(in_quarter) > room else in_quarter[0]
    return plan_sessions(
        quarter=quarter,
        programmes=[p for p in policy.programmes if not p.joint_with],
        demand=seat_demand(tracks, policy, done_before),
        existing=existing,
        days=[d for d in ahead if d <= last] or ahead,
        rules=policy.sessions,
        deadlines={p.code: due for p in policy.programmes_for(Track.newly_promoted)},
    )
