"""Storing completion data: one row per file row, later rows superseding earlier ones."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from core.domain import CompletionStatus, Quarter
from models.bulk import insert_new
from models.cadres import quarter_people
from models.education import quarter_tracks
from models.tables import Completion, EducationSession, FileImport, Programme


def store_completions(*, session: Session, quarter: Quarter, rows: Iterable[dict[str, Any]]) -> int:
    """Insert a file's rows and mark every earlier row for the same person and slot superseded.

    The rows stream in and the superseding is one statement: a province's sheets are millions
    of rows, none of which need to be in memory at once.
    """
    inserted = insert_new(session, Completion, ({"quarter": quarter.label, **r} for r in rows))
    table = Completion.__table__  # type: ignore[attr-defined]
    # Within a slot the latest file wins, and within a file the row further down.
    newest_first = (
        select(
            table.c.id,
            func.row_number()
            .over(
                partition_by=(
                    table.c.employee_id,
                    table.c.programme_code,
                    func.coalesce(table.c.session_code, ""),
                ),
                order_by=(table.c.import_id.desc(), table.c.source_row.desc(), table.c.id.desc()),
            )
            .label("place"),
        )
        .where(table.c.quarter == quarter.label, table.c.superseded.is_(False))
        .subquery()
    )
    older = select(newest_first.c.id).where(newest_first.c.place > 1)
    session.execute(update(table).where(table.c.id.in_(older)).values(superseded=True))
    return inserted


@dataclass(frozen=True)
class Lookups:
    """What a completion row is matched against in a quarter."""

    cadres: dict[str, frozenset[str]]  # employee id → programme codes their tracks require
    sessions: dict[str, list[str]]  # session code → programmes seated in it, its own first
    programmes: dict[str, str]  # code, Chinese or English name → code


def completion_lookups(*, session: Session, quarter: Quarter) -> Lookups:
    """The quarter's cadres, sessions and programmes, as completion rows refer to them."""
    programmes = list(session.exec(select(Programme).where(Programme.quarter == quarter.label)))
    by_track: dict[str, list[str]] = defaultdict(list)
    guests: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for p in programmes:
        by_track[p.track].append(p.code)
        if p.joint_with:
            guests[p.joint_with].append(p.code)
        names |= {p.code: p.code, p.name_zh: p.code, p.name_en: p.code}
    held = quarter_tracks(session=session, quarter=quarter)
    # A province's million cadres need one of a few dozen combinations of programmes: each
    # combination is held once, not once per person.
    combinations: dict[tuple[str, ...], frozenset[str]] = {}
    cadres: dict[str, frozenset[str]] = {}
    # A leaver's row (a corrected sheet of a session they sat in) is kept as history.
    for who in quarter_people(session=session, quarter=quarter, leavers=True):
        tracks = tuple(sorted(held.get(who, ())))
        if tracks not in combinations:
            combinations[tracks] = frozenset(code for t in tracks for code in by_track[t])
        cadres[who] = combinations[tracks]
    sessions = {
        code: [host, *guests[host]]
        for code, host in session.exec(
            select(col(EducationSession.code), col(EducationSession.programme_code)).where(
                EducationSession.quarter == quarter.label
            )
        )
    }
    return Lookups(cadres, sessions, names)


def completed_before(
    *, session: Session, quarter: Quarter, programmes: list[str], people: set[str] | None = None
) -> set[tuple[str, str]]:
    """(employee id, programme) of once-only programmes attended in an earlier quarter (by
    `people` only, when given)."""
    if not programmes or people == set():
        return set()
    rows = session.exec(
        select(col(Completion.employee_id), col(Completion.programme_code)).where(
            col(Completion.quarter) < quarter.label,
            col(Completion.programme_code).in_(programmes),
            col(Completion.status).in_([CompletionStatus.attended, CompletionStatus.online]),
            col(Completion.superseded).is_(False),
        )
    )
    return {(who, code) for who, code in rows if people is None or who in people}


def current_rows(*, session: Session, quarter: Quarter, about: Any) -> list[Any]:
    """The quarter's rows not superseded, in import order, `about` the people asked for: each
    with the day its file was collected (for an import before 0.7, the day it was imported)."""
    return list(
        session.exec(
            select(  # type: ignore[call-overload]  # typed up to four columns only
                Completion.employee_id,
                Completion.programme_code,
                Completion.session_code,
                Completion.status,
                Completion.score,
                Completion.hours,
                Completion.source,
                Completion.source_row,
                Completion.attended_on,
                func.coalesce(FileImport.collected_on, func.date(FileImport.imported_at)),
            )
            .join(FileImport, col(FileImport.id) == col(Completion.import_id))
            .where(
                Completion.quarter == quarter.label, col(Completion.superseded).is_(False), about
            )
            .order_by(col(Completion.import_id), col(Completion.source_row))
        )
    )
