"""Sessions on working days, with capacity, nobody booked twice on a day: a pure planner."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from zlib import crc32

from core.domain import Quarter, SessionPlan, Track
from policy.config import Policy, ProgrammeRule, Sessions

AFTERNOON = time(14, 30)


@dataclass(slots=True)
class SchedulePlan:
    """What a planning pass changes: sessions to create, people to enrol and to withdraw."""

    new_sessions: list[SessionPlan] = field(default_factory=list)
    enrolments: list[tuple[str, str]] = field(default_factory=list)  # (session code, employee id)
    withdrawals: list[tuple[str, str]] = field(default_factory=list)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (programme, employee id)


def session_code(
    quarter: Quarter, programme_code: str, number: int, *, makeup: bool = False
) -> str:
    """A code short enough to write on a sign-in sheet: 26Q4-IO-03, or 26Q4-IO-M01 for a make-up."""
    prefix = "M" if makeup else ""
    return f"{quarter.year % 100:02d}Q{quarter.number}-{programme_code}-{prefix}{number:02d}"


def _occupancy(existing: Iterable[SessionPlan]) -> tuple[dict[str, set[date]], Counter[date]]:
    """Who is already busy on which days, and how many sessions each day already has."""
    busy: dict[str, set[date]] = defaultdict(set)
    load: Counter[date] = Counter()
    for session in existing:
        load[session.held_on] += 1
        for person in session.enrolled:
            busy[person].add(session.held_on)
    return busy, load


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
    busy, load = _occupancy(existing)
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
            for person in sorted(wanted - placed, key=partial(_seat_order, quarter.label)):
                target = _first_free(open_sessions, busy[person])
                if target is None:
                    code = session_code(quarter, programme.code, len(sessions) + 1)
                    target = _new_session(
                        code, programme, round_no, window, own_days, busy[person], load, rules
                    )
                    if target is None:
                        plan.unplaced.append((programme.code, person))
                        continue
                    sessions.append(target)
                    own_days.add(target.held_on)
                    open_sessions.append(target)
                    plan.new_sessions.append(target)
                _seat(plan, target, person, busy)
                if target.free == 0:
                    open_sessions.remove(target)
    return plan


def _seat_order(quarter: str, person: str) -> tuple[int, str]:
    """The order people take seats in: mixed by the quarter, so that when a session is full
    the overflow is not always the same people (the highest employee ids)."""
    return crc32(f"{quarter}:{person}".encode()), person


def _first_free(sessions: list[SessionPlan], person_busy: set[date]) -> SessionPlan | None:
    """The first of the sessions on a day the person is free, or None."""
    for session in sessions:  # a loop, not next() of a generator: asked 100,000 times
        if session.held_on not in person_busy:
            return session
    return None


def _seat(
    plan: SchedulePlan, session: SessionPlan, person: str, busy: dict[str, set[date]]
) -> None:
    session.enrolled.add(person)
    busy[person].add(session.held_on)
    plan.enrolments.append((session.code, person))


def _round_windows(days: list[date], rounds: int) -> list[list[date]]:
    """Split the quarter's working days into equal windows, one per required session."""
    size = max(1, len(days) // rounds) if days else 0
    windows = [days[i * size : (i + 1) * size] for i in range(rounds)]
    if windows and days:
        windows[-1] = days[(rounds - 1) * size :]
    return windows


def _new_session(
    code: str,
    programme: ProgrammeRule,
    round_no: int,
    window: list[date],
    own_days: set[date],  # the days this programme already has sessions on
    person_busy: set[date],
    load: Counter[date],
    rules: Sessions,
    *,
    makeup: bool = False,
) -> SessionPlan | None:
    free_days = [d for d in window if d not in person_busy]
    if not free_days:
        return None

    taken = sorted(d.toordinal() for d in own_days)

    def spread(day: date) -> tuple[int, int, int]:
        # Least-used day first, then the one farthest from this programme's other sessions, so
        # sessions spread over the quarter instead of piling up on its first days.
        distance = _nearest(taken, day.toordinal()) if taken else len(window)
        return (load[day], -distance, window.index(day))

    def soonest(day: date) -> tuple[bool, int]:
        # A make-up is offered as soon as possible, on a day that still has a free venue.
        return (load[day] >= len(rules.venues), window.index(day))

    day = min(free_days, key=soonest if makeup else spread)
    slot = load[day]
    load[day] += 1
    starts_at = rules.start_time if (slot // len(rules.venues)) % 2 == 0 else AFTERNOON
    return SessionPlan(
        code=code,
        programme_code=programme.code,
        round_no=round_no,
        held_on=day,
        starts_at=starts_at,
        venue=rules.venues[slot % len(rules.venues)],
        capacity=programme.capacity,
        makeup=makeup,
    )


def _nearest(taken: list[int], day: int) -> int:
    """How many days lie between `day` and the nearest of the sorted days `taken`: found by
    bisection, as a province's programme has some fifty sessions to keep apart."""
    at = bisect_left(taken, day)
    return min(abs(day - taken[i]) for i in (at - 1, at) if 0 <= i < len(taken))


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
    busy, load = _occupancy(existing)
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
                target = _new_session(
                    code, programme, 1, days, own_days, busy[person], load, rules, makeup=True
                )
                if target is None:
                    plan.unplaced.append((programme.code, person))
                    continue
                mine.append(target)
                own_days.add(target.held_on)
                coming.append(target)
                plan.new_sessions.append(target)
            _seat(plan, target, person, busy)
    return plan


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
