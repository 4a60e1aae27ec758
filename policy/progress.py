"""Where each cadre stands on each programme their tracks require: pure aggregation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from models.domain import CompletionStatus, Track
from models.facts import CompletionInfo, ProgrammeInfo, QuarterData, SessionInfo

DONE = {CompletionStatus.attended, CompletionStatus.online}
MISSED = {CompletionStatus.absent, CompletionStatus.excused}


class Standing(StrEnum):
    complete = "complete"
    outstanding = "outstanding"
    excused = "excused"
    failed = "failed"  # attended, scored below the pass mark: a retest is due (不合格)


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


def standings(
    requirements: Iterable[Requirement], attendance: Iterable[Attendance]
) -> dict[tuple[str, str], Standing]:
    """Complete, outstanding, excused or failed, per (employee id, programme code).

    Where a programme has a pass mark, a score at or above it is needed to complete it, unless
    the policy lets attendance alone count; a score below it is a failure until a retest passes.
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
        else:
            result[key] = Standing.outstanding
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
    return [
        Requirement(
            cadre.employee_id,
            track,
            p.code,
            p.sessions_required,
            p.pass_mark,
            p.attendance_counts,
        )
        for cadre in data.cadres
        for track in data.tracks.get(cadre.employee_id, {})
        for p in by_track[track]
        if (cadre.employee_id, p.code) not in data.done_before
    ]


def quarter_standings(
    data: QuarterData,
) -> tuple[list[Requirement], dict[tuple[str, str], Standing]]:
    """The quarter's requirements and where each stands, from its stored completions."""
    requirements = requirements_of(data)
    attendance = (
        Attendance(c.employee_id, c.programme_code, c.status, c.score) for c in data.completions
    )
    return requirements, standings(requirements, attendance)


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
    sessions: Iterable[SessionInfo],
    enrolments: Iterable[tuple[str, str, str]],
    completions: Iterable[CompletionInfo],
) -> set[tuple[str, str]]:
    """(employee id, programme) of people booked on a make-up whose outcome has not come back.

    Such a person is not booked again, however often and on whatever day data is collected;
    once the make-up's own row says absent or excused, the next make-up is offered.
    """
    makeups = {s.code: s.programme_code for s in sessions if s.makeup}
    reported = {(c.employee_id, c.session_code) for c in completions if c.session_code}
    return {
        (who, makeups[code])
        for code, who, status in enrolments
        if status == "enrolled" and code in makeups and (who, code) not in reported
    }
