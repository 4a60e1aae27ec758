"""Where each cadre stands on each programme their tracks require: pure aggregation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.domain import CompletionStatus, EnrolmentStatus, SessionPlan, Track
from models.facts import CompletionInfo, QuarterData
from models.placements import ProgrammeInfo
from policy.recorded import NotRecorded

DONE = {CompletionStatus.attended, CompletionStatus.online}
MISSED = {CompletionStatus.absent, CompletionStatus.excused}


class Standing(StrEnum):
    """Where one person stands on one programme at a moment (the export's `standing` values)."""

    complete = "complete"  # 已完成
    scheduled = "scheduled"  # 待参加: their session, or the quarter's end, is still ahead
    overdue = "overdue"  # 逾期未完成: the day it was due has passed
    failed = "failed"  # 不合格: attended, scored below the pass mark: a retest is due
    excused = "excused"  # 请假: excused from their session; a make-up is offered


WORK_LEFT = {Standing.scheduled, Standing.overdue, Standing.failed, Standing.excused}


class TrackStanding(StrEnum):
    """Where a cadre stands on a confidential track as a whole, for the discipline body's
    list: its programmes' standing, or `unplaced` — in none of its sessions yet, which a
    programme's standing cannot say. In the order the list counts them."""

    complete = Standing.complete.value
    scheduled = Standing.scheduled.value
    overdue = Standing.overdue.value
    excused = Standing.excused.value
    unplaced = "unplaced"  # 未安排: no session of the track holds them


@dataclass(frozen=True, slots=True)
class Attendance:
    """A current (not superseded) completion row, in import order."""

    employee_id: str
    programme_code: str
    status: CompletionStatus
    score: float | None


@dataclass(frozen=True, slots=True)
class Requirement:
    """A programme a cadre must complete this quarter because of a track."""

    employee_id: str
    track: Track
    programme_code: str
    sessions_required: int
    pass_mark: float | None
    attendance_counts: bool = False  # with a pass mark, attending without a score completes it
    # The day of the person's own (last) session for it, or the quarter's last day when they
    # have not been placed in one: the day it is due.
    due_on: date = date.max
    placed: bool = False


def standings(
    requirements: Iterable[Requirement], attendance: Iterable[Attendance], *, as_of: date
) -> dict[tuple[str, str], Standing]:
    """Where each requirement stands on `as_of`, per (employee id, programme code).

    Where a programme has a pass mark, a score at or above it is needed to complete it, unless
    the policy lets attendance alone count; a score below it is a failure until a retest passes.
    Work not done is scheduled up to and on the day it is due, and overdue from the day after.
    """
    required = list(requirements)
    rules = {(r.employee_id, r.programme_code): r for r in required}
    done: dict[tuple[str, str], int] = defaultdict(int)
    latest: dict[tuple[str, str], Attendance] = {}
    for row in attendance:
        key = (row.employee_id, row.programme_code)
        latest[key] = row
        rule = rules.get(key)
        if row.status in DONE and (rule is None or passed(row.score, rule)):
            done[key] += 1
    result: dict[tuple[str, str], Standing] = {}
    for requirement in required:
        key = (requirement.employee_id, requirement.programme_code)
        last = latest.get(key)
        if done[key] >= requirement.sessions_required:
            result[key] = Standing.complete
        elif last is not None and last.status is CompletionStatus.excused:
            result[key] = Standing.excused
        elif last is not None and last.status in DONE and last.score is not None:
            result[key] = Standing.failed  # scored, and below the mark
        elif requirement.due_on < as_of:
            result[key] = Standing.overdue
        else:
            result[key] = Standing.scheduled
    return result


def passed(score: float | None, rule: Requirement) -> bool:
    """Whether an attendance with this score completes the requirement."""
    if rule.pass_mark is None:
        return True
    if score is None:
        return rule.attendance_counts
    return score >= rule.pass_mark


def requirements_of(data: QuarterData) -> list[Requirement]:
    """Every programme each cadre on the roster must complete this quarter, by track."""
    by_track: dict[Track, list[ProgrammeInfo]] = defaultdict(list)
    for programme in data.programmes:
        by_track[programme.track].append(programme)
    due = due_dates(data)
    quarter_ends = data.quarter.ends_on
    required = []
    for cadre in data.cadres:
        theirs = [
            Requirement(
                cadre.employee_id,
                track,
                p.code,
                p.sessions_required,
                p.pass_mark,
                p.attendance_counts,
                due.get((cadre.employee_id, p.joint_with or p.code), quarter_ends),
                (cadre.employee_id, p.joint_with or p.code) in due,
            )
            for track in data.tracks.get(cadre.employee_id, {})
            for p in by_track[track]
            if (cadre.employee_id, p.code) not in data.done_before
        ]
        # A person's programmes in the order they fall due: how reports and records list them.
        required += sorted(theirs, key=lambda r: (r.due_on, r.programme_code))
    return required


def due_dates(data: QuarterData) -> dict[tuple[str, str], date]:
    """(employee id, programme whose sessions they sit in) → the day of their own last session.

    A make-up moves the day; a session the person was withdrawn from does not count.
    """
    held = {s.code: (s.programme_code, s.held_on) for s in data.sessions}
    due: dict[tuple[str, str], date] = {}
    for code, who, status in data.enrolments:
        if status != EnrolmentStatus.enrolled or code not in held:
            continue
        programme, day = held[code]
        key = (who, programme)
        due[key] = max(day, due.get(key, day))
    return due


def known_by(
    completions: Iterable[CompletionInfo], held_on: Mapping[str, date], as_of: date
) -> list[CompletionInfo]:
    """The completion rows about days up to `as_of`: a report re-rendered for an earlier day
    counts what had happened by then. A row with no day of its own (an online course) counts."""
    return [
        c
        for c in completions
        if (c.attended_on or held_on.get(c.session_code or "", as_of)) <= as_of
    ]


def quarter_standings(
    data: QuarterData, *, as_of: date
) -> tuple[list[Requirement], dict[tuple[str, str], Standing]]:
    """The quarter's requirements and where each stands on `as_of`, from its stored completions."""
    requirements = requirements_of(data)
    held_on = {s.code: s.held_on for s in data.sessions}
    attendance = (
        Attendance(c.employee_id, c.programme_code, c.status, c.score)
        for c in known_by(data.completions, held_on, as_of)
    )
    return requirements, standings(requirements, attendance, as_of=as_of)


def makeup_candidates(
    requirements: list[Requirement],
    standing: dict[tuple[str, str], Standing],
    completions: Iterable[CompletionInfo],
    held_on: Mapping[str, date],
    known_by: date,
) -> dict[str, set[str]]:
    """Who missed a session held by `known_by`, or failed its test: programme → people.

    Absences at sessions after `known_by` are left for a later offer, so that offering make-ups
    for a day gives the same answer whenever it is run.
    """
    latest = {
        (c.employee_id, c.programme_code): c.status
        for c in completions
        if c.session_code is None or held_on.get(c.session_code, known_by) <= known_by
    }
    missed: dict[str, set[str]] = defaultdict(set)
    for r in requirements:
        key = (r.employee_id, r.programme_code)
        failed = standing[key] is Standing.failed and key in latest  # a retest is due
        if failed or (standing[key] is not Standing.complete and latest.get(key) in MISSED):
            missed[r.programme_code].add(r.employee_id)
    return dict(missed)


def pending_makeups(
    sessions: Iterable[SessionPlan],
    enrolments: Iterable[tuple[str, str, str]],
    completions: Iterable[CompletionInfo],
    settled: Iterable[tuple[str, str]] = (),
) -> set[tuple[str, str]]:
    """(employee id, programme) of people booked on a make-up whose outcome has not come back.

    Such a person is not booked again, however often and on whatever day data is collected;
    once the make-up's own row says absent or excused — or its returned sheet left them out
    and the wait has passed (`settled`: employee id, session code) — the next one is offered.
    """
    makeups = {s.code: s.programme_code for s in sessions if s.makeup}
    reported = {(c.employee_id, c.session_code) for c in completions if c.session_code}
    reported |= set(settled)
    return {
        (who, makeups[code])
        for code, who, status in enrolments
        if status == EnrolmentStatus.enrolled and code in makeups and (who, code) not in reported
    }


def makeup_absentees(
    data: QuarterData,
    *,
    seating: Callable[[str], str],
    as_of: date,
    not_recorded: Iterable[NotRecorded] = (),
) -> dict[str, set[str]]:
    """Who needs a make-up seat, per programme whose sessions they sit in: absent or excused
    from a session held by `as_of`, or left off its returned sheet past the wait
    (`not_recorded`), and not already booked on a make-up of it."""
    requirements, standing = quarter_standings(data, as_of=as_of)
    held_on = {s.code: s.held_on for s in data.sessions}
    missed = makeup_candidates(requirements, standing, data.completions, held_on, as_of)
    left_off = list(not_recorded)
    pending = pending_makeups(
        data.sessions,
        data.enrolments,
        data.completions,
        settled=[(m.employee_id, m.session_code) for m in left_off],
    )
    absentees: dict[str, set[str]] = defaultdict(set)
    for code, people in missed.items():
        seat = seating(code)
        absentees[seat] |= {who for who in people if (who, seat) not in pending}
    work_left = {
        (r.employee_id, seating(r.programme_code))
        for r in requirements
        if standing[(r.employee_id, r.programme_code)] is not Standing.complete
    }
    for m in left_off:
        key = (m.employee_id, m.programme_code)
        if key in work_left and key not in pending:
            absentees[m.programme_code].add(m.employee_id)
    return absentees
