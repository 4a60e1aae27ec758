"""Storing a quarter's roster: imports, rejects, cadres, units and what changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping, Table, func, update
from sqlmodel import Session, SQLModel, col, select

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
    existing = _stored(session, quarter)
    new = [r for r in rows if r["employee_id"] not in existing]
    changed = [
        r for r in rows if r["employee_id"] in existing and _differs(existing[r["employee_id"]], r)
    ]
    insert_new(session, Cadre, new)
    if changed:
        session.execute(update(Cadre), changed)
    listed = {r["employee_id"] for r in rows}
    gone = [e for e, c in existing.items() if e not in listed and c["on_roster"]]
    if gone:
        session.execute(
            update(Cadre)
            .where(col(Cadre.quarter) == quarter, col(Cadre.employee_id).in_(gone))
            .values(on_roster=False)
        )
    changes = _changes(session, quarter, previous, rows)
    return {"new": len(new), "updated": len(changed), "withdrawn": len(gone), "changes": changes}


def _differs(current: RowMapping, row: dict[str, Any]) -> bool:
    return any(current[key] != value for key, value in row.items())


def _changes(session: Session, quarter: str, previous: str, rows: list[dict[str, Any]]) -> int:
    before = _stored(session, previous, on_roster=True)
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
        if old is None:
            continue
        for field in TRACKED_CHANGES:
            if old[field] != row[field]:
                changes.append(
                    {
                        "quarter": quarter,
                        "employee_id": row["employee_id"],
                        "change": "changed",
                        "field": field,
                        "old": old[field],
                        "new": row[field],
                    }
                )
    return insert_new(session, RosterChange, changes)


def quarter_roster(*, session: Session, quarter: str) -> list[CadreRecord]:
    """The cadres on the quarter's roster, as the domain records the policy reads.

    Read as plain rows, not ORM objects: for a province's 100,000 cadres, building entities and
    then converting them was most of the classification stage's time.
    """
    cadre, unit = _table(Cadre), _table(Unit)
    rows = session.execute(
        cadre.select()
        .add_columns(func.coalesce(unit.c.name, cadre.c.unit_code).label("unit_name"))
        .outerjoin(unit, unit.c.code == cadre.c.unit_code)
        .where(cadre.c.quarter == quarter, cadre.c.on_roster.is_(True))
    )
    return [as_record(row) for row in rows.mappings()]


def quarter_people(*, session: Session, quarter: str) -> set[str]:
    """The employee ids on the quarter's roster."""
    return set(
        session.exec(
            select(col(Cadre.employee_id)).where(
                Cadre.quarter == quarter, col(Cadre.on_roster).is_(True)
            )
        )
    )


def unit_names(*, session: Session) -> dict[str, str]:
    return {u.code: u.name for u in session.exec(select(Unit))}


def as_record(row: RowMapping) -> CadreRecord:
    """A stored cadre row (with its unit's name) back as the domain record."""
    return CadreRecord(
        employee_id=row["employee_id"],
        name=row["name"],
        unit_code=row["unit_code"],
        unit_name=row["unit_name"],
        post=row["post"],
        rank=Rank(row["rank"]) if row["rank"] else None,
        leadership_role=LeadershipRole(row["leadership_role"]),
        in_charge_of=tuple(c for c in row["in_charge_of"].split(";") if c),
        party_member=row["party_member"],
        appointed_on=row["appointed_on"],
        reserve_cadre=row["reserve_cadre"],
        discipline_status=DisciplineStatus(row["discipline_status"]),
        discipline_on=row["discipline_on"],
        key_post=row["key_post"],
        phone=row["phone"],
        email=row["email"],
    )


def _stored(session: Session, quarter: str, *, on_roster: bool = False) -> dict[str, RowMapping]:
    """A quarter's stored cadre rows by employee id, as plain rows (a province has 100,000)."""
    cadre = _table(Cadre)
    query = cadre.select().where(cadre.c.quarter == quarter)
    if on_roster:
        query = query.where(cadre.c.on_roster.is_(True))
    return {row["employee_id"]: row for row in session.execute(query).mappings()}


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]
