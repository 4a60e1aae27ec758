"""Storing a quarter's roster: imports, rejects, cadres, units and what changed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, delete, update
from sqlmodel import Session, col, select

from core.domain import (
    CadreRecord,
    DisciplineStatus,
    ImportKind,
    LeadershipRole,
    Quarter,
    Rank,
    Reject,
)
from core.roster_changes import Change
from models.bulk import insert_columns, insert_new, upsert
from models.db import utcnow
from models.tables import Cadre, FileImport, RejectedRow, RosterChange, Unit, table_of


def find_import(
    *, session: Session, quarter: Quarter, kind: ImportKind, sha256: str
) -> FileImport | None:
    """The earlier import of the same file into the same quarter, if any."""
    return session.exec(
        select(FileImport).where(
            FileImport.quarter == quarter.label,
            FileImport.kind == kind,
            FileImport.sha256 == sha256,
        )
    ).first()


def record_import(
    *,
    session: Session,
    quarter: Quarter,
    kind: ImportKind,
    source: str,
    sha256: str,
    read: int,
    accepted: int,
    rejects: list[Reject],
    kept_from: dict[tuple[str, int], str] | None = None,
    warnings: list[dict[str, Any]] | None = None,
    collected_on: date | None = None,
) -> FileImport:
    """Record a file's import and keep its rejected rows for review.

    A file imported again (roster A, then B, then A) takes the place of its earlier record:
    the counts, rejects and warnings are those of its latest import.
    """
    entry = find_import(session=session, quarter=quarter, kind=kind, sha256=sha256)
    if entry is None:
        entry = FileImport(
            quarter=quarter.label,
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
    entry.collected_on = collected_on
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


# Each enum's members to their stored words, looked up in C. The words are the members' own
# `_value_`, not `str()` copies: a province's rows are built at once (a million rows held 83 MiB
# of copies of "none" and "team_member").
_WORDS: dict[object, str | None] = {
    None: None,
    **{word: word._value_ for kind in (Rank, LeadershipRole, DisciplineStatus) for word in kind},
}


def cadre_columns(quarter: Quarter, cadres: Sequence[CadreRecord]) -> dict[str, Sequence[Any]]:
    """The cadres' stored rows, column by column: the records turned into columns in one C
    pass, and each column converted in one more, not a dictionary built for each cadre."""
    if not cadres:
        return {}
    given = dict(zip(CadreRecord._fields, zip(*cadres, strict=True), strict=True))
    words = _WORDS.__getitem__
    return {
        "quarter": [quarter.label] * len(cadres),
        "employee_id": given["employee_id"],
        "name": given["name"],
        "unit_code": given["unit_code"],
        "post": given["post"],
        "rank": list(map(words, given["rank"])),
        "leadership_role": list(map(words, given["leadership_role"])),
        "in_charge_of": list(map(";".join, given["in_charge_of"])),
        "party_member": given["party_member"],
        "appointed_on": given["appointed_on"],
        "reserve_cadre": given["reserve_cadre"],
        "discipline_status": list(map(words, given["discipline_status"])),
        "discipline_kind": given["discipline_kind"],
        "discipline_on": given["discipline_on"],
        "key_post": given["key_post"],
        "phone": given["phone"],
        "email": given["email"],
        "wecom_user_id": given["wecom_user_id"],
        "dingtalk_user_id": given["dingtalk_user_id"],
        "on_roster": [True] * len(cadres),
    }


def cadre_rows(quarter: Quarter, cadres: Sequence[CadreRecord]) -> list[dict[str, Any]]:
    """The cadres' stored rows, one dictionary each."""
    columns = cadre_columns(quarter, cadres)
    rows = zip(*columns.values(), strict=True)
    return [dict(zip(columns, values, strict=True)) for values in rows]


def store_roster(
    *,
    session: Session,
    quarter: Quarter,
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

    existing = _stored(session, quarter)
    new = insert_columns(
        session, Cadre, cadre_columns(quarter, [c for c in cadres if c.employee_id not in existing])
    )
    kept = cadre_rows(quarter, [c for c in cadres if c.employee_id in existing])
    changed = [r for r in kept if _differs(existing[r["employee_id"]], r)]
    if changed:
        session.execute(update(Cadre), changed)
    listed = {c.employee_id for c in cadres}
    gone = [e for e, c in existing.items() if e not in listed and c["on_roster"]]
    if gone:
        session.execute(
            update(Cadre)
            .where(col(Cadre.quarter) == quarter.label, col(Cadre.employee_id).in_(gone))
            .values(on_roster=False)
        )
    logged = insert_new(
        session,
        RosterChange,
        (
            {
                "quarter": quarter.label,
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
    return {"new": new, "updated": len(changed), "withdrawn": len(gone), "changes": logged}


def _differs(current: RowMapping, row: dict[str, Any]) -> bool:
    return any(current[key] != value for key, value in row.items())


def roster_changes(*, session: Session, quarter: Quarter) -> list[RosterChange]:
    """The quarter's roster changes in the order the imports made them."""
    return list(
        session.exec(
            select(RosterChange)
            .where(RosterChange.quarter == quarter.label)
            .order_by(col(RosterChange.id))
        )
    )


def _stored(
    session: Session, quarter: Quarter, *, on_roster: bool = False
) -> dict[str, RowMapping]:
    """A quarter's stored cadre rows by employee id, as plain rows (a province has 100,000)."""
    cadre = table_of(Cadre)
    query = cadre.select().where(cadre.c.quarter == quarter.label)
    if on_roster:
        query = query.where(cadre.c.on_roster.is_(True))
    return {row["employee_id"]: row for row in session.execute(query).mappings()}
