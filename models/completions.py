"""Storing completion data: one row per file row, later rows superseding earlier ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from models.db import insert_new
from models.tables import Completion

# A row names a session, or a programme done outside one (online): each is a separate slot.
Slot = tuple[str, str, str]


def _slot(row: dict[str, Any]) -> Slot:
    return (row["employee_id"], row["programme_code"], row["session_code"] or "")


def _stored_slot(completion: Completion) -> Slot:
    return (completion.employee_id, completion.programme_code, completion.session_code or "")


def store_completions(*, session: Session, quarter: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert a file's rows and mark every earlier row for the same person and slot superseded."""
    rows = list(rows)
    inserted = insert_new(session, Completion, ({"quarter": quarter, **r} for r in rows))
    keys = {_slot(r) for r in rows}
    people = {k[0] for k in keys}
    current: dict[Slot, list[tuple[int, int, int]]] = {}
    for completion in session.exec(
        select(Completion).where(
            Completion.quarter == quarter, col(Completion.superseded).is_(False)
        )
    ):
        if completion.employee_id in people and _stored_slot(completion) in keys:
            order = (completion.import_id, completion.source_row, completion.id or 0)
            current.setdefault(_stored_slot(completion), []).append(order)
    superseded = [
        {"completion_id": identity}
        for orders in current.values()
        for *_, identity in sorted(orders)[:-1]
    ]
    if superseded:
        table = Completion.__table__  # type: ignore[attr-defined]
        session.execute(
            update(table).where(table.c.id == bindparam("completion_id")).values(superseded=True),
            superseded,
        )
    return inserted
