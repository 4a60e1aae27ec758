"""Storing a quarter's roster: imports, rejects, cadres, units and what changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from models.db import insert_new, upsert, utcnow
from models.domain import CadreRecord, DisciplineStatus, LeadershipRole, Rank, Reject
from models.tables import Cadre, FileImport, RejectedRow, RosterChange, Unit

TRACKED_CHANGES = ("post", "rank", "unit_code", "leadership_role", "discipline_status")


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import did; `already` is True when the same file had been imported before."""

    source: str
    read: int
    accepted: int
    rejected: int
    already: bool = False


def find_import(*, session: Session, quarter: str, kind: str, sha256: str) -> FileImport | None:
    """The earlier import of the same file into the same quarter, if any."""
    return session.exec(
        select(FileImport).where(
            FileImport.quarter == quarter, FileImport.kind == kind, FileImport.sha256 == sha256
        )
    ).first()


def record_import(
    *,
    session: Session,
    quarter: str,
    kind: str,
    source: str,
    sha256: str,
    read: int,
    accepted: int,
    rejects: list[Reject],
) -> FileImport:
    """Record a file's import and keep its rejected rows for review."""
    entry = FileImport(
        quarter=quarter,
        kind=kind,
        source=source,
        sha256=sha256,
        rows_read=read,
        rows_accepted=accepted,
        rows_rejected=len(rejects),
        imported_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    assert entry.id is not None  # flushed: the database has given it an id
    session.add_all(
        RejectedRow(
            import_id=entry.id, row=r.row, column=r.column, reason=r.reason, values=r.values
        )
        for r in rejects
    )
    return entry


def cadre_row(quarter: str, cadre: CadreRecord) -> dict[str, Any]:
    return {
        "quarter": quarter,
        "employee_id": cadre.employee_id,
        "name": cadre.name,
        "unit_code": cadre.unit_code,
        "post": cadre.post,
        "rank": cadre.rank.value if cadre.rank else None,
        "leadership_role": cadre.leadership_role.value,
        "in_charge_of": ";".join(cadre.in_charge_of),
        "party_member": cadre.party_member,
        "appointed_on": cadre.appointed_on,
        "reserve_cadre": cadre.reserve_cadre,
        "discipline_status": cadre.discipline_status.value,
        "discipline_on": cadre.discipline_on,
        "key_post": cadre.key_post,
        "phone": cadre.phone,
        "email": cadre.email,
        "on_roster": True,
    }


def store_roster(
    *,
    session: Session,
    quarter: str,
    previous: str,
    cadres: list[CadreRecord],
    unit_key_areas: dict[str, str],
) -> dict[str, int]:
    """Upsert the quarter's cadres and units; record joiners, leavers and changes."""
    units: dict[str, dict[str, Any]] = {}
    for cadre in cadres:
        units.setdefault(
            cadre.unit_code,
            {
                "code": cadre.unit_code,
                "name": cadre.unit_name,
                "parent_code": cadre.parent_unit_code,
                "key_areas": unit_key_areas.get(cadre.unit_code, ""),
            },
        )
    upsert(session, Unit, units.values())

    rows = [cadre_row(quarter, c) for c in cadres]
    existing = {
        c.employee_id: c for c in session.exec(select(Cadre).where(Cadre.quarter == quarter))
    }
    new = [r for r in rows if r["employee_id"] not in existing]
    changed = [
        r for r in rows if r["employee_id"] in existing and _differs(existing[r["employee_id"]], r)
    ]
    insert_new(session, Cadre, new)
    if changed:
        session.execute(update(Cadre), changed)
    listed = {r["employee_id"] for r in rows}
    gone = [e for e, c in existing.items() if e not in listed and c.on_roster]
    if gone:
        session.execute(
            update(Cadre)
            .where(col(Cadre.quarter) == quarter, col(Cadre.employee_id).in_(gone))
            .values(on_roster=False)
        )
    changes = _changes(session, quarter, previous, rows)
    return {"new": len(new), "updated": len(changed), "withdrawn": len(gone), "changes": changes}


def _differs(current: Cadre, row: dict[str, Any]) -> bool:
    return any(getattr(current, key) != value for key, value in row.items())


def _changes(session: Session, quarter: str, previous: str, rows: list[dict[str, Any]]) -> int:
    before = {
        c.employee_id: c
        for c in session.exec(
            select(Cadre).where(Cadre.quarter == previous, col(Cadre.on_roster).is_(True))
        )
    }
    if not before:
        return 0  # the first quarter on record: nobody "joined"
    listed = {r["employee_id"] for r in rows}
    changes = [
        {"quarter": quarter, "employee_id": r["employee_id"], "change": "joined", "field": ""}
        for r in rows
        if r["employee_id"] not in before
    ]
    changes += [
        {"quarter": quarter, "employee_id": e, "change": "left", "field": ""}
        for e in before
        if e not in listed
    ]
    for row in rows:
        old = before.get(row["employee_id"])
        for field in TRACKED_CHANGES if old else ():
            if getattr(old, field) != row[field]:
                changes.append(
                    {
                        "quarter": quarter,
                        "employee_id": row["employee_id"],
                        "change": "changed",
                        "field": field,
                        "old": getattr(old, field),
                        "new": row[field],
                    }
                )
    return insert_new(session, RosterChange, changes)


def quarter_cadres(*, session: Session, quarter: str) -> list[Cadre]:
    """The cadres on the quarter's roster."""
    return list(
        session.exec(select(Cadre).where(Cadre.quarter == quarter, col(Cadre.on_roster).is_(True)))
    )


def unit_names(*, session: Session) -> dict[str, str]:
    return {u.code: u.name for u in session.exec(select(Unit))}


def as_record(cadre: Cadre, unit_name: str) -> CadreRecord:
    """The stored cadre back as the domain record that classification reads."""
    return CadreRecord(
        employee_id=cadre.employee_id,
        name=cadre.name,
        unit_code=cadre.unit_code,
        unit_name=unit_name,
        post=cadre.post,
        rank=Rank(cadre.rank) if cadre.rank else None,
        leadership_role=LeadershipRole(cadre.leadership_role),
        in_charge_of=tuple(c for c in cadre.in_charge_of.split(";") if c),
        party_member=cadre.party_member,
        appointed_on=cadre.appointed_on,
        reserve_cadre=cadre.reserve_cadre,
        discipline_status=DisciplineStatus(cadre.discipline_status),
        discipline_on=cadre.discipline_on,
        key_post=cadre.key_post,
        phone=cadre.phone,
        email=cadre.email,
    )
