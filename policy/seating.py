"""Seats in sessions, the mechanics every planner shares: who is busy when, a seat taken, a new
session placed on the least-used working day. Pure: no database, no Prefect."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time

from core.domain import Quarter, SessionPlan
from policy.config import ProgrammeRule, Sessions

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


def occupancy(existing: Iterable[SessionPlan]) -> tuple[dict[str, set[date]], Counter[date]]:
    """Who is already busy on which days, and how many sessions each day already has."""
    busy: dict[str, set[date]] = defaultdict(set)
    load: Counter[date] = Counter()
    for session in existing:
        load[session.held_on] += 1
        for person in session.enrolled:
            busy[person].add(session.held_on)
    return busy, load


def first_free(sessions: list[SessionPlan], person_busy: set[date]) -> SessionPlan | None:
    """The first of the sessions on a day the person is free, or None."""
    for session in sessions:  # a loop, not next() of a generator: asked 100,000 times
        if session.held_on not in person_busy:
            return session
    return None


def seat(plan: SchedulePlan, session: SessionPlan, person: str, busy: dict[str, set[date]]) -> None:
    session.enrolled.add(person)
    busy[person].add(session.held_on)
    plan.enrolments.append((session.code, person))


def new_session(
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
        distance = nearest(taken, day.toordinal()) if taken else len(window)
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


def nearest(taken: list[int], day: int) -> int:
    """How many days lie between `day` and the nearest of the sorted days `taken`: found by
    bisection, as a province's programme has some fifty sessions to keep apart."""
    at = bisect_left(taken, day)
    return min(abs(day - taken[i]) for i in (at - 1, at) if 0 <= i < len(taken))
