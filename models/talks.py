"""Integrity talks as kept: each talk the roster opened, once, and what became of it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import AutoString, Field, Session, SQLModel, col, select

from core.domain import Quarter
from core.talks import HeldTalk, PledgeInfo, Talker, TalkInfo, TalkKind, TalkOpened, TalkState
from models.tables import Cadre


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
    chased_level: int = 0  # the highest rung chased to while not held: 1 its talker, 2 above


class Pledge(SQLModel, table=True):
    """A commitment letter (廉洁承诺书) to be signed, opened with the talk it goes with (by the
    same `opened_by`): which version of the letter, when it was issued, when it came back
    signed."""

    __table_args__ = (UniqueConstraint("employee_id", "opened_by"),)

    id: int | None = Field(default=None, primary_key=True)
    employee_id: str = Field(index=True)
    unit_code: str
    opened_by: str
    opened_in: str
    version: str
    due_on: date
    issued_on: date | None = None
    signed_on: date | None = None


def open_talks(
    session: Session, opened: Iterable[TalkOpened], *, quarter: str, letter_version: str
) -> list[TalkOpened]:
    """Store the talks not stored before (by kind, cadre and what opened them), each with its
    commitment letter when it has one, and answer them. A talk already open keeps its state,
    day and talker: a later roster changes neither what was held nor who was asked to hold it."""
    known = set(session.exec(select(Talk.kind, Talk.employee_id, Talk.opened_by)).all())
    new = [t for t in opened if (t.kind, t.employee_id, t.opened_by) not in known]
    session.add_all(_stored(t, quarter) for t in new)
    session.add_all(
        Pledge(
            employee_id=t.employee_id,
            unit_code=t.unit_code,
            opened_by=t.opened_by,
            opened_in=quarter,
            version=letter_version,
            due_on=t.due_on,
        )
        for t in new
        if t.pledge
    )
    session.commit()
    return new


def _stored(opened: TalkOpened, quarter: str) -> Talk:
    return Talk(
        kind=opened.kind,
        employee_id=opened.employee_id,
        unit_code=opened.unit_code,
        opened_by=opened.opened_by,
        opened_in=quarter,
        due_on=opened.due_on,
        talker=opened.talker,
        talker_id=opened.talker_id,
    )


def quarter_talks(session: Session, quarter: Quarter) -> list[Talk]:
    """The talks of a quarter: those due in it, and those its roster opened."""
    due_in = (col(Talk.due_on) >= quarter.starts_on) & (col(Talk.due_on) <= quarter.ends_on)
    opened_in = col(Talk.opened_in) == quarter.label
    return list(session.exec(select(Talk).where(due_in | opened_in).order_by(col(Talk.id))).all())


def quarter_pledges(session: Session, quarter: Quarter) -> list[Pledge]:
    """The commitment letters of a quarter: due in it, or opened by its roster."""
    due_in = (col(Pledge.due_on) >= quarter.starts_on) & (col(Pledge.due_on) <= quarter.ends_on)
    opened_in = col(Pledge.opened_in) == quarter.label
    query = select(Pledge).where(due_in | opened_in).order_by(col(Pledge.id))
    return list(session.exec(query).all())


def open_pledges(session: Session) -> list[Pledge]:
    """The commitment letters not yet signed."""
    return list(session.exec(select(Pledge).where(col(Pledge.signed_on).is_(None))).all())


def record_held(
    session: Session,
    held: Sequence[HeldTalk],
    *,
    unopened: Callable[[HeldTalk], TalkOpened | None] = lambda row: None,
    quarter: str = "",
) -> list[HeldTalk]:
    """Mark the talks a register says were held (the earliest open talk of that kind with that
    cadre), and sign the letters that went with them; a row of a kind people decide
    (`unopened` answers its talk) opens that talk, held. Answer the rows that match no talk.
    A talk already recorded held on that day is the same row handed in again: it changes
    nothing and is no mistake. The register's cadres' talks and letters are read once."""
    people = {row.employee_id for row in held}
    talks: dict[tuple[str, str], list[Talk]] = defaultdict(list)
    for stored in session.exec(
        select(Talk).where(col(Talk.employee_id).in_(people)).order_by(col(Talk.due_on))
    ).all():
        talks[stored.employee_id, stored.kind].append(stored)
    letters = {
        (p.employee_id, p.opened_by): p
        for p in session.exec(select(Pledge).where(col(Pledge.employee_id).in_(people))).all()
    }
    unmatched: list[HeldTalk] = []
    for row in held:
        theirs = talks[row.employee_id, row.kind.value]
        if any(_recorded(t, row) for t in theirs):
            continue
        talk = next((t for t in theirs if t.state == TalkState.due), None)
        if row.held_on is None:  # waived, with its reason
            if talk is None:
                unmatched.append(row)
            else:
                talk.state, talk.waived_because = TalkState.waived, row.waived_because
                session.add(talk)
            continue
        if talk is None and (opened := unopened(row)) is not None:
            talk = _stored(opened, quarter)
            theirs.append(talk)
        if talk is None:
            unmatched.append(row)
            continue
        talk.state, talk.held_on = TalkState.held, row.held_on
        talk.place, talk.recorder, talk.outline = row.place, row.recorder, row.note
        session.add(talk)
        letter = letters.get((row.employee_id, talk.opened_by))
        if letter is not None and row.pledge_signed_on is not None:
            letter.signed_on = row.pledge_signed_on
            session.add(letter)
    session.commit()
    return unmatched


def _recorded(talk: Talk, row: HeldTalk) -> bool:
    """Whether the row says what is already recorded of the talk (the same row again)."""
    if row.held_on is None:
        return talk.state == TalkState.waived and talk.waived_because == row.waived_because
    return talk.state == TalkState.held and talk.held_on == row.held_on


def mark_issued(session: Session, ids: Sequence[int], on: date) -> None:
    """The letters handed out on `on` (their first issue stays their issue day)."""
    for letter in session.exec(select(Pledge).where(col(Pledge.id).in_(ids))).all():
        if letter.issued_on is None:
            letter.issued_on = on
            session.add(letter)
    session.commit()


def owed_talks(session: Session, on: date) -> list[Talk]:
    """The talks not held, waived or dropped whose day has passed by `on`: to be chased."""
    query = select(Talk).where(col(Talk.state) == TalkState.due, col(Talk.due_on) < on)
    return list(session.exec(query.order_by(col(Talk.id))).all())


def mark_chased(session: Session, levels: dict[int, int]) -> None:
    """Each talk (by id) chased to this rung: a later morning does not climb it again."""
    for talk in session.exec(select(Talk).where(col(Talk.id).in_(levels))).all():
        assert talk.id is not None
        talk.chased_level = max(talk.chased_level, levels[talk.id])
        session.add(talk)
    session.commit()


def talk_facts(
    session: Session, quarter: Quarter, units: Collection[str] | None = None
) -> tuple[list[TalkInfo], list[PledgeInfo]]:
    """The quarter's talks and letters as the reports read them; with `units`, those of their
    cadres and those their leaders hold (a member in charge talks with other units' cadres)."""
    talks = quarter_talks(session, quarter)
    letters = quarter_pledges(session, quarter)
    if units is not None:
        leaders = set(
            session.exec(
                select(Cadre.employee_id).where(
                    Cadre.quarter == quarter.label, col(Cadre.unit_code).in_(list(units))
                )
            )
        )
        talks = [t for t in talks if t.unit_code in units or t.talker_id in leaders]
        letters = [p for p in letters if p.unit_code in units]
    return (
        [
            TalkInfo(
                t.id or 0,
                TalkKind(t.kind),
                t.employee_id,
                t.unit_code,
                t.due_on,
                Talker(t.talker),
                t.talker_id,
                TalkState(t.state),
                t.held_on,
            )
            for t in talks
        ],
        [
            PledgeInfo(
                p.id or 0, p.employee_id, p.unit_code, p.version, p.due_on, p.issued_on, p.signed_on
            )
            for p in letters
        ],
    )
