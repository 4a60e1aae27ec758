"""Reading a quarter's cadres back: the domain records the policy reads, the people on the
roster, its units."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from operator import attrgetter
from sys import intern
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.domain import CadreRecord, DisciplineStatus, LeadershipRole, Quarter, Rank
from models.db import streamed
from models.tables import Cadre, Unit, table_of


def roster_records(*, session: Session, quarter: Quarter) -> dict[str, CadreRecord]:
    """The quarter's roster by employee id (empty before its first import)."""
    return {c.employee_id: c for c in quarter_roster(session=session, quarter=quarter)}


def quarter_roster(
    *,
    session: Session,
    quarter: Quarter,
    leavers: bool = False,
    units: Collection[str] | None = None,
) -> list[CadreRecord]:
    """The cadres on the quarter's roster (with `leavers`, also those who left it during the
    quarter; with `units`, only those of these units), as the domain records the policy reads.

    Read as plain rows, not ORM objects: for a province's 100,000 cadres, building entities and
    then converting them was most of the classification stage's time.
    """
    cadre, unit = table_of(Cadre), table_of(Unit)
    c = cadre.c
    # The columns in the order `as_record` unpacks them: a tuple read by position costs less
    # than a row looked up by name, 17 times for each of a million cadres.
    query = (
        cadre.select()
        .with_only_columns(
            c.employee_id,
            c.name,
            c.unit_code,
            func.coalesce(unit.c.name, c.unit_code),
            c.post,
            c.rank,
            c.leadership_role,
            c.in_charge_of,
            c.party_member,
            c.appointed_on,
            c.reserve_cadre,
            c.discipline_status,
            c.discipline_kind,
            c.discipline_on,
            c.key_post,
            c.phone,
            c.email,
        )
        .outerjoin(unit, unit.c.code == c.unit_code)
        .where(c.quarter == quarter.label)
    )
    if not leavers:
        query = query.where(c.on_roster.is_(True))
    if units is not None:
        query = query.where(c.unit_code.in_(list(units)))
    rows = streamed(session, query)
    # In a stated order: PostgreSQL returns unordered rows as they lie, which a vacuum changes.
    # Sorted here: asked to, SQLite walks the whole quarter in key order to pick a part's units.
    return sorted(map(as_record, rows), key=attrgetter("employee_id"))


def quarter_people(*, session: Session, quarter: Quarter, leavers: bool = False) -> set[str]:
    """The employee ids on the quarter's roster, and with `leavers` those who left it."""
    people = select(col(Cadre.employee_id)).where(Cadre.quarter == quarter.label)
    if not leavers:
        people = people.where(col(Cadre.on_roster).is_(True))
    return set(streamed(session, people).scalars())


def roster_units(*, session: Session, quarter: Quarter) -> list[str]:
    """The codes of the units with someone on the quarter's roster, in order."""
    return list(
        session.exec(
            select(col(Cadre.unit_code))
            .where(Cadre.quarter == quarter.label, col(Cadre.on_roster).is_(True))
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


def as_record(row: Sequence[Any]) -> CadreRecord:
    """A stored cadre row (with its unit's name), as `quarter_roster` reads it, back as the
    domain record."""
    (
        employee_id,
        name,
        unit_code,
        unit_name,
        post,
        rank,
        role,
        charge,
        party_member,
        appointed_on,
        reserve_cadre,
        discipline,
        discipline_kind,
        discipline_on,
        key_post,
        phone,
        email,
    ) = row
    # The unit and post, shared by many cadres, are held once each: a province reads a
    # million rows, and each would otherwise keep strings of its own.
    return CadreRecord(
        employee_id=employee_id,
        name=name,
        unit_code=intern(unit_code),
        unit_name=intern(unit_name),
        post=intern(post),
        rank=RANK[rank],
        leadership_role=ROLE[role],
        in_charge_of=tuple(c for c in charge.split(";") if c) if charge else (),
        party_member=party_member,
        appointed_on=appointed_on,
        reserve_cadre=reserve_cadre,
        discipline_status=DISCIPLINE[discipline],
        discipline_kind=discipline_kind,
        discipline_on=discipline_on,
        key_post=key_post,
        phone=phone,
        email=email,
    )


def leadership_of(
    *, session: Session, employee_id: str
) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """The cadre's place in each quarter whose roster holds them: the quarter's label, their
    leadership role, unit and the units in their charge."""
    rows = session.exec(
        select(Cadre.quarter, Cadre.leadership_role, Cadre.unit_code, Cadre.in_charge_of).where(
            Cadre.employee_id == employee_id, col(Cadre.on_roster).is_(True)
        )
    )
    return [
        (quarter, str(role), unit, tuple(c for c in (charge or "").split(";") if c))
        for quarter, role, unit, charge in rows
    ]
