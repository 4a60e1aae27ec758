"""A cadre's education record across quarters, and the log of who produced one."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from core.domain import Quarter
from models.db import utcnow
from models.facts import QuarterData, load_quarter
from models.tables import Cadre, Message, QuarterCycle, RecordAccess


def quarters_of(*, session: Session, employee_id: str) -> list[tuple[Quarter, str]]:
    """The quarters, oldest first, whose roster held the cadre (including as a leaver), each
    with the unit they were in."""
    held = session.exec(
        select(Cadre.quarter, Cadre.unit_code)
        .join(QuarterCycle, col(QuarterCycle.label) == col(Cadre.quarter))
        .where(Cadre.employee_id == employee_id)
    )
    return sorted(
        ((Quarter.parse(label), unit) for label, unit in held), key=lambda h: h[0].starts_on
    )


def record_data(*, session: Session, employee_id: str) -> list[tuple[QuarterData, list[Message]]]:
    """Every quarter on file with the cadre in it, and the messages addressed to them. Each
    quarter is loaded for the cadre's unit alone: a record is one person's, and a province's
    quarter loaded whole for it took what a report run takes."""
    found = []
    for quarter, unit in quarters_of(session=session, employee_id=employee_id):
        data = load_quarter(session=session, quarter=quarter, units=[unit])
        if data is None:
            continue
        messages = list(
            session.exec(
                select(Message)
                .where(Message.quarter == quarter.label, Message.employee_id == employee_id)
                .order_by(col(Message.due_on), col(Message.send_key))
            )
        )
        found.append((data, messages))
    return found


def log_access(
    *, session: Session, employee_id: str, os_user: str, confidential: bool, path: str
) -> None:
    session.add(
        RecordAccess(
            employee_id=employee_id,
            os_user=os_user,
            produced_at=utcnow(),
            confidential=confidential,
            path=path,
        )
    )


def access_log(*, session: Session) -> list[dict[str, Any]]:
    """Every record produced and every document read or refused on the reports site, oldest
    first: the `access` export."""
    return [
        {
            "produced_at": a.produced_at,
            "os_user": a.os_user,
            "employee_id": a.employee_id,
            "confidential": a.confidential,
            "path": a.path,
            "action": a.action,
        }
        for a in session.exec(select(RecordAccess).order_by(col(RecordAccess.id)))
    ]
