"""Integrity talks as kept: each talk the roster opened, once, and what became of it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import AutoString, Field, Session, SQLModel, select

from core.talks import Talker, TalkKind, TalkOpened, TalkState


class Talk(SQLModel, table=True):
    """A talk with a cadre: its kind, why it was opened (once: `opened_by` names the
    appointment, the year or the status), when it is due and who holds it; once held, when,
    where, who recorded it and its outline; or waived, with the reason."""

    __table_args__ = (UniqueConstraint("kind", "employee_id", "opened_by"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: TalkKind = Field(sa_type=AutoString)
    employee_id: str = Field(index=True)
    unit_code: str
    opened_by: str
    opened_in: str  # the quarter whose roster opened it
    due_on: date
    talker: Talker = Field(sa_type=AutoString)
    talker_id: str | None = None  # the person, when the roster names them
    state: TalkState = Field(default=TalkState.due, sa_type=AutoString)  # due, held or waived
    held_on: date | None = None
    place: str = ""
    recorder: str = ""
    outline: str = ""
    waived_because: str = ""
    pledge: bool = False  # a commitment letter (廉洁承诺书) goes with it
    pledge_signed_on: date | None = None


def open_talks(session: Session, opened: Iterable[TalkOpened], *, quarter: str) -> list[TalkOpened]:
    """Store the talks not stored before (by kind, cadre and what opened them), and answer
    them. A talk already open keeps its state, day and talker: a later roster changes neither
    what was held nor who was asked to hold it."""
    known = set(session.exec(select(Talk.kind, Talk.employee_id, Talk.opened_by)).all())
    new = [t for t in opened if (t.kind, t.employee_id, t.opened_by) not in known]
    session.add_all(
        Talk(
            kind=t.kind,
            employee_id=t.employee_id,
            unit_code=t.unit_code,
            opened_by=t.opened_by,
            opened_in=quarter,
            due_on=t.due_on,
            talker=t.talker,
            talker_id=t.talker_id,
            pledge=t.pledge,
        )
        for t in new
    )
    session.commit()
    return new
