"""Storing tracks, programmes, sessions and enrolments of a quarter."""

from __future__ import annotations

from collections.abc import Iterable
from sys import intern
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, col, select

from core.domain import EnrolmentStatus, Quarter, SessionPlan, TrackAssignment
from models.bulk import insert_new, upsert
from models.db import streamed
from models.tables import Assignment, EducationSession, Enrolment, Programme


def replace_assignments(
    *, session: Session, quarter: Quarter, assignments: Iterable[TrackAssignment]
) -> int:
    """Make the quarter's track assignments exactly these (re-running gives the same rows)."""
    session.execute(delete(Assignment).where(col(Assignment.quarter) == quarter.label))
    return insert_new(
        session,
        Assignment,
        (
            {
                "quarter": quarter.label,
                "employee_id": a.employee_id,
                "track": str(a.track),
                "reason": a.reason,
                "reason_code": a.code,
                "reason_params": dict(a.params),
            }
            for a in assignments
        ),
    )


def quarter_tracks(*, session: Session, quarter: Quarter) -> dict[str, list[str]]:
    """Each cadre's tracks for the quarter."""
    tracks: dict[str, list[str]] = {}
    assigned = select(Assignment.employee_id, Assignment.track).where(
        Assignment.quarter == quarter.label
    )
    for employee_id, track in streamed(session, assigned):
        tracks.setdefault(employee_id, []).append(intern(track))  # a dozen words, each once
    return tracks


def store_programmes(*, session: Session, rows: list[dict[str, Any]]) -> None:
    upsert(session, Programme, rows)


def stored_sessions(*, session: Session, quarter: Quarter) -> list[SessionPlan]:
    """The quarter's sessions with the people currently enrolled in each."""
    enrolled: dict[str, set[str]] = {}
    places = (
        select(Enrolment.session_code, Enrolment.employee_id)
        .join(EducationSession, col(EducationSession.code) == col(Enrolment.session_code))
        .where(
            EducationSession.quarter == quarter.label, Enrolment.status == EnrolmentStatus.enrolled
        )
    )
    for code, employee_id in streamed(session, places):
        enrolled.setdefault(code, set()).add(employee_id)
    return [
        as_plan(s, enrolled.get(s.code, set()))
        for s in session.exec(
            select(EducationSession)
            .where(EducationSession.quarter == quarter.label)
            .order_by(col(EducationSession.held_on), col(EducationSession.code))
        )
    ]


def as_plan(row: EducationSession, enrolled: set[str]) -> SessionPlan:
    """A stored session as the one record of a session, with the people enrolled in it."""
    return SessionPlan(
        row.code,
        row.programme_code,
        row.round_no,
        row.held_on,
        row.starts_at,
        row.venue,
        row.capacity,
        enrolled,
        row.makeup,
    )


def store_schedule(
    *,
    session: Session,
    quarter: Quarter,
    new_sessions: list[SessionPlan],
    enrolments: list[tuple[str, str]],
    withdrawals: list[tuple[str, str]],
) -> None:
    """Add sessions and enrolments, and withdraw people who no longer need a session."""
    insert_new(session, EducationSession, (session_row(quarter, s) for s in new_sessions))
    withdrawn = set(
        session.exec(
            select(Enrolment.session_code, Enrolment.employee_id)
            .join(EducationSession, col(EducationSession.code) == col(Enrolment.session_code))
            .where(
                EducationSession.quarter == quarter.label,
                Enrolment.status == EnrolmentStatus.withdrawn,
            )
        )
    )
    # A person withdrawn earlier and needed again gets their old row back, not a second one.
    insert_new(
        session,
        Enrolment,
        (
            {"session_code": c, "employee_id": e, "status": EnrolmentStatus.enrolled}
            for c, e in enrolments
        ),
    )
    changes = [(c, e, EnrolmentStatus.enrolled) for c, e in enrolments if (c, e) in withdrawn]
    changes += [(c, e, EnrolmentStatus.withdrawn) for c, e in withdrawals]
    if changes:
        table = Enrolment.__table__  # type: ignore[attr-defined]
        session.execute(
            update(table)
            .where(
                table.c.session_code == bindparam("code"), table.c.employee_id == bindparam("who")
            )
            .values(status=bindparam("new_status")),
            [{"code": c, "who": e, "new_status": s} for c, e, s in changes],
        )


def session_row(quarter: Quarter, plan: SessionPlan) -> dict[str, object]:
    """A planned session as a row of the session table."""
    return {
        "quarter": quarter.label,
        "code": plan.code,
        "programme_code": plan.programme_code,
        "round_no": plan.round_no,
        "held_on": plan.held_on,
        "starts_at": plan.starts_at,
        "venue": plan.venue,
        "capacity": plan.capacity,
        "makeup": plan.makeup,
    }


def session_details(*, session: Session, code: str) -> tuple[EducationSession, Programme] | None:
    """A session with its programme (name, duration), for a calendar entry."""
    found = session.exec(
        select(EducationSession, Programme)
        .join(
            Programme,
            (col(Programme.quarter) == col(EducationSession.quarter))
            & (col(Programme.code) == col(EducationSession.programme_code)),
        )
        .where(EducationSession.code == code)
    ).first()
    return None if found is None else (found[0], found[1])


def confidential_programmes(*, session: Session) -> tuple[list[Programme], list[EducationSession]]:
    """The confidential programmes of every quarter, and their sessions."""
    programmes = list(session.exec(select(Programme).where(col(Programme.confidential).is_(True))))
    codes = {p.code for p in programmes}
    if not codes:
        return [], []
    sessions = session.exec(
        select(EducationSession).where(col(EducationSession.programme_code).in_(codes))
    )
    return programmes, list(sessions)
