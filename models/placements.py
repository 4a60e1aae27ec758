"""What a day's sign-in sheets need of a quarter: its programmes, its sessions with who sits in
each, and the roster they are read against. Not its outcomes, outbox or imports: a province's
quarter holds millions of those, and a day's sheets name a few sessions (load_quarter reads the
whole quarter, for the reports and the chasing)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.domain import CadreRecord, Quarter, SessionPlan, Track
from models.cadres import quarter_roster, unit_names
from models.education import stored_sessions
from models.tables import Programme


@dataclass(frozen=True, slots=True)
class ProgrammeInfo:
    code: str
    track: Track
    name_zh: str
    name_en: str
    sessions_required: int
    pass_mark: float | None
    confidential: bool
    once: bool = False
    joint_with: str | None = None
    attendance_counts: bool = False


@dataclass(frozen=True)
class Placements:
    """The quarter's sessions and the people placed in them, as the roster names them."""

    units: dict[str, str]  # code → name
    cadres: list[CadreRecord]
    programmes: list[ProgrammeInfo]
    sessions: list[SessionPlan]  # by day, then code; each with the people enrolled


def load_placements(*, session: Session, quarter: Quarter) -> Placements:
    return Placements(
        units=unit_names(session=session),
        cadres=quarter_roster(session=session, quarter=quarter),
        programmes=quarter_programmes(session=session, quarter=quarter),
        sessions=stored_sessions(session=session, quarter=quarter),
    )


def quarter_programmes(*, session: Session, quarter: Quarter) -> list[ProgrammeInfo]:
    """The programmes the quarter was opened with, by code."""
    return [
        ProgrammeInfo(
            p.code,
            Track(p.track),
            p.name_zh,
            p.name_en,
            p.sessions_required,
            p.pass_mark,
            p.confidential,
            p.once,
            p.joint_with,
            p.attendance_counts,
        )
        for p in session.exec(
            select(Programme)
            .where(Programme.quarter == quarter.label)
            .order_by(col(Programme.code))
        )
    ]
