"""Family contacts as kept: apart from the roster, replaced whole by each families file, gone
with the cadre's leaving (after the policy's days)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete
from sqlmodel import Field, Session, SQLModel, col, select

from core.domain import REACHED, MessageKind, Quarter
from core.families import FamilyContact, FamilyTally, ReturnedSlip
from core.send_keys import words_of
from models.tables import Cadre, Message


class Family(SQLModel, table=True):
    """A cadre's family member who may receive the organisation's letters (同意接收), and when
    the cadre was first seen off the roster (their contact goes after the policy's days)."""

    __tablename__ = "family_contact"

    key: str = Field(primary_key=True)  # core.families.contact_key
    employee_id: str = Field(index=True)
    name: str
    relation: str = ""
    phone: str | None = None
    email: str | None = None
    consent: bool
    cadre_left_on: date | None = None


class FamilySlip(SQLModel, table=True):
    """A family's return slip (回执) back in a quarter, and the day it came."""

    __tablename__ = "family_slip"

    key: str = Field(primary_key=True)  # the contact's
    quarter: str = Field(primary_key=True)
    returned_on: date


@dataclass(slots=True)
class Replaced:
    """What a families file changed: contacts kept or added, and those that may receive
    nothing more (consent withdrawn, or left out of the file)."""

    kept: int = 0
    consenting: int = 0
    stopped: list[str] = field(default_factory=list)  # contact keys


def replace_families(session: Session, contacts: Sequence[FamilyContact]) -> Replaced:
    """The file is the whole truth: its contacts replace those kept; a contact whose consent
    is withdrawn, or who is not in it, is listed to stop (their unsent letters cancelled)."""
    before = {f.key: f for f in session.exec(select(Family)).all()}
    given = {c.key: c for c in contacts}
    done = Replaced(len(given), sum(c.consent for c in given.values()))
    done.stopped = sorted(
        key
        for key, old in before.items()
        if old.consent and (key not in given or not given[key].consent)
    )
    for key in set(before) - set(given):
        session.delete(before[key])
    _forget_slips(session, set(before) - set(given))
    for key, contact in given.items():
        kept = before.get(key) or Family(
            key=key, employee_id=contact.employee_id, name=contact.name, consent=contact.consent
        )
        kept.name, kept.relation = contact.name, contact.relation
        kept.phone, kept.email, kept.consent = contact.phone, contact.email, contact.consent
        session.add(kept)
    session.commit()
    return done


def consenting_families(session: Session, people: Collection[str]) -> list[Family]:
    """The contacts of these cadres who agreed to receive letters."""
    query = select(Family).where(col(Family.consent)).order_by(col(Family.employee_id))
    return [f for f in session.exec(query).all() if f.employee_id in people]


def forget_leavers(
    session: Session, on_roster: Collection[str], *, today: date, keep_days: int
) -> list[str]:
    """Delete the contacts of cadres off the roster for `keep_days` (0: at once); a cadre newly
    off it starts the count today. Answers the keys of the contacts deleted."""
    gone = []
    for family in session.exec(select(Family)).all():
        if family.employee_id in on_roster:
            family.cadre_left_on = None
        elif family.cadre_left_on is None:
            family.cadre_left_on = today
        left = family.cadre_left_on
        if left is not None and left + timedelta(days=keep_days) <= today:
            gone.append(family.key)
            session.delete(family)
        else:
            session.add(family)
    _forget_slips(session, gone)
    session.commit()
    return gone


def _forget_slips(session: Session, keys: Collection[str]) -> None:
    """A contact forgotten takes its slips with it: they say who the family member was."""
    if keys:
        session.execute(delete(FamilySlip).where(col(FamilySlip.key).in_(list(keys))))


def family_facts(
    session: Session, quarter: Quarter, unit_of: Mapping[str, str]
) -> dict[str, FamilyTally]:
    """Per unit (`unit_of`: its cadres' ids → unit code): the consenting contacts, and the
    family letters sent in the quarter (one per contact and holiday, by whichever channel)."""
    consenting: Counter[str] = Counter()
    for who in session.exec(select(Family.employee_id).where(col(Family.consent))).all():
        if who in unit_of:
            consenting[unit_of[who]] += 1
    letters: dict[str, set[tuple[str, ...]]] = {}
    sent = select(Message.employee_id, Message.send_key).where(
        Message.quarter == quarter.label,
        Message.kind == MessageKind.family_letter,
        col(Message.status).in_(REACHED),
    )
    for cadre, key in session.exec(sent).all():
        if cadre is not None and cadre in unit_of:
            letters.setdefault(unit_of[cadre], set()).add(tuple(words_of(key)[1:4]))
    slips: Counter[str] = Counter()
    back = select(Family.employee_id).join(FamilySlip, col(FamilySlip.key) == col(Family.key))
    for cadre in session.exec(back.where(FamilySlip.quarter == quarter.label)).all():
        if cadre in unit_of:
            slips[unit_of[cadre]] += 1
    return {
        unit: FamilyTally(consenting[unit], len(letters.get(unit, ())), slips[unit])
        for unit in set(consenting) | set(letters) | set(slips)
    }


def family_rows(session: Session, quarter: Quarter) -> list[dict[str, object]]:
    """Every family contact kept, with their cadre and the quarter's letters sent to them."""
    cadres = {
        c.employee_id: c for c in session.exec(select(Cadre).where(Cadre.quarter == quarter.label))
    }
    sent: Counter[str] = Counter()
    for key in session.exec(
        select(Message.send_key).where(
            Message.quarter == quarter.label,
            Message.kind == MessageKind.family_letter,
            col(Message.status).in_(REACHED),
        )
    ):
        sent[words_of(key)[1]] += 1
    slips = {
        s.key: s.returned_on
        for s in session.exec(select(FamilySlip).where(FamilySlip.quarter == quarter.label))
    }
    return [
        {
            "employee_id": f.employee_id,
            "name": cadres[f.employee_id].name if f.employee_id in cadres else "",
            "unit_code": cadres[f.employee_id].unit_code if f.employee_id in cadres else "",
            "family_name": f.name,
            "relation": f.relation,
            "phone": f.phone,
            "email": f.email,
            "consent": f.consent,
            "letters_sent": sent[f.key],
            "slip_returned_on": slips.get(f.key),
        }
        for f in session.exec(select(Family).order_by(col(Family.employee_id), col(Family.key)))
    ]


def kept_contacts(session: Session) -> frozenset[str]:
    return frozenset(session.exec(select(Family.key)).all())


def record_slips(session: Session, quarter: Quarter, slips: Sequence[ReturnedSlip]) -> int:
    """Each slip back once a quarter (the first day it came stands); answers how many are new."""
    known = set(
        session.exec(select(FamilySlip.key).where(FamilySlip.quarter == quarter.label)).all()
    )
    new = {s.key: s for s in slips if s.key not in known}
    session.add_all(
        FamilySlip(key=key, quarter=quarter.label, returned_on=s.returned_on)
        for key, s in new.items()
    )
    session.commit()
    return len(new)
