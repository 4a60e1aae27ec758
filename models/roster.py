"""Storing a quarter's roster: imports, rejects, cadres, units and what changed."""

from __future__ import annotations

from collections.abc import Collection
from operator import attrgetter
from sys import intern
from typing import Any

from sqlalchemy import RowMapping, Table, delete, func, update
from sqlmodel import Session, SQLModel, col, select

from core.domain import (
    CadreRecord,
    Change,
    DisciplineStatus,
    LeadershipRole,
    Rank,
    Reject,
)
from models.bulk import insert_new, upsert
from models.db import streamed, utcnow
from models.tables import Cadre, FileImport, RejectedRow, RosterChange, Unit


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
    kept_from: dict[tuple[str, int], str] | None = None,
    warnings: list[dict[str, Any]] | None = None,
) -> FileImport:
    """Record a file's import and keep its rejected rows for review.

    A file imported again (roster A, then B, then A) takes the place of its earlier record:
    the counts, rejects and warnings are those of its latest import.
    """
    entry = find_import(session=session, quarter=quarter, kind=kind, sha256=sha256)
    if entry is None:
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
    else:
        session.execute(delete(RejectedRow).where(col(RejectedRow.import_id) == entry.id))
    entry.source, entry.rows_read, entry.rows_accepted = source, read, accepted
    entry.rows_rejected, entry.imported_at = len(rejects), utcnow()
    entry.warnings = list(warnings or [])
    session.add(entry)
    session.flush()
    assert entry.id is not None  # flushed: the database has given it an id
    session.add_all(
        RejectedRow(
            import_id=entry.id,
            row=r.row,
            column=r.column,
            reason=r.reason,
            values=r.values,
            kept_from=(kept_from or {}).get(r.at),
            reason_code=r.code,
            reason_params=r.params,
            sheet=r.sheet,
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
        "discipline_kind": cadre.discipline_kind,
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
    cadres: list[CadreRecord],
    changes: list[Change],
    unit_key_areas: dict[str, str],
    source: str,
) -> dict[str, int]:
    """Make the quarter's roster exactly these cadres, and log the changes that led there."""
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
    logged = insert_new(
        session,
        RosterChange,
        (
            {
                "quarter": quarter,
                "employee_id": c.employee_id,
                "name": c.name,
                "unit_code": c.unit_code,
                "change": c.change.value,
                "field": c.field,
                "old": c.before,
                "new": c.after,
                "source": source,
                "source_row": c.source_row,
            }
            for c in changes
        ),
    )
    return {"new": len(new), "updated": len(changed), "withdrawn": len(gone), "changes": logged}


def _differs(current: RowMapping, row: dict[str, Any]) -> bool:
    return any(current[key] != value for key, value in row.items())


def roster_records(*, session: Session, quarter: str) -> dict[str, CadreRecord]:
    """The quarter's roster by employee id (empty before its first import)."""
    return {c.employee_id: c for c in quarter_roster(session=session, quarter=quarter)}


def roster_changes(*, session: Session, quarter: str) -> list[RosterChange]:
    """The quarter's roster changes in the order the imports made them."""
    return list(
        session.exec(
            select(RosterChange)
            .where(RosterChange.quarter == quarter)
            .order_by(col(RosterChange.id))
        )
    )


def quarter_roster(
    *,
    session: Session,
    quarter: str,
    leavers: bool = False,
    units: Collection[str] | None = None,
) -> list[CadreRecord]:
    """The cadres on the quarter's roster (with `leavers`, also those who left it during the
    quarter; with `units`, only those of these units), as the domain records the policy reads.

    Read as plain rows, not ORM objects: for a province's 100,000 cadres, building entities and
    then converting them was most of the classification stage's time.
    """
    cadre, unit = _table(Cadre), _table(Unit)
    query = (
        cadre.select()
        .add_columns(func.coalesce(unit.c.name, cadre.c.unit_code).label("unit_name"))
        .outerjoin(unit, unit.c.code == cadre.c.unit_code)
        .where(cadre.c.quarter == quarter)
    )
    if not leavers:
        query = query.where(cadre.c.on_roster.is_(True))
    if units is not None:
        query = query.where(cadre.c.unit_code.in_(list(units)))
    rows = streamed(session, query)
    # In a stated order: PostgreSQL returns unordered rows as they lie, which a vacuum changes.
    # Sorted here: asked to, SQLite walks the whole quarter in key order to pick a part's units.
    return sorted((as_record(row) for row in rows.mappings()), key=attrgetter("employee_id"))


def quarter_people(*, session: Session, quarter: str) -> set[str]:
    """The employee ids on the quarter's roster."""
    on_roster = select(col(Cadre.employee_id)).where(
        Cadre.quarter == quarter, col(Cadre.on_roster).is_(True)
    )
    return set(streamed(session, on_roster).scalars())


def roster_units(*, session: Session, quarter: str) -> list[str]:
    """The codes of the units with someone on the quarter's roster, in order."""
    return list(
        session.exec(
            select(col(Cadre.unit_code))
            .where(Cadre.quarter == quarter, col(Cadre.on_roster).is_(True))
            .distinct()
            .order_by(col(Cadre.unit_code))
        )
    )


def unit_names(*, session: Session) -> dict[str, str]:
    return {u.code: u.name for u in session.exec(select(Unit))}


# Each stored value's member, looked up: calling the enum costs more than the rest of a row.
RANK = {rank.value: rank for rank in Rank} | {None: None, "": None}
ROLE = {role.value: role for role in LeadershipRole}
DISCIPLINE = {status.value: status for status in DisciplineStatus}


def as_record(row: RowMapping) -> CadreRecord:
    """A stored cadre row (with its unit's name) back as the domain record."""
    # The unit and post, shared by many cadres, are held once each: a province reads a
    # million rows, and each would otherwise keep strings of its own.
    charge = row["in_charge_of"]
    return CadreRecord(
        employee_id=row["employee_id"],
        name=row["name"],
        unit_code=intern(row["unit_code"]),
        unit_name=intern(row["unit_name"]),
        post=intern(row["post"]),
        rank=RANK[row["rank"]],
        leadership_role=ROLE[row["leadership_role"]],
        in_charge_of=tuple(c for c in charge.split(";") if c) if charge else (),
        party_member=row["party_member"],
        appointed_on=row["appointed_on"],
        reserve_cadre=row["reserve_cadre"],
        discipline_status=DISCIPLINE[row["discipline_status"]],
        discipline_kind=row["discipline_kind"],
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
