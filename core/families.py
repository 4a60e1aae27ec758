"""Cadres' families as an audience (家庭助廉): a contact given by consent, kept apart from the
roster, and the one key that names a contact where others may look."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class FamilyContact:
    """A family member of a cadre, as the families file gives them: who, how related, how to
    reach them, and whether they agreed to receive the organisation's letters (同意接收)."""

    row: int
    employee_id: str
    name: str
    relation: str
    phone: str | None
    email: str | None
    consent: bool

    @property
    def key(self) -> str:
        return contact_key(self.employee_id, self.name)


def contact_key(employee_id: str, name: str) -> str:
    """A contact's name in send keys, file names and logs: stable across files, and telling
    nothing of the family member (their name is hashed with the cadre's id)."""
    return "f" + hashlib.sha256(f"{employee_id}\x00{name}".encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class FamilyTally:
    """A unit's families as the reports count them: contacts who agreed to receive letters,
    and letters sent (one per contact and holiday); never a name."""

    consenting: int = 0
    letters: int = 0
    slips: int = 0  # return slips (回执) back this quarter


@dataclass(frozen=True, slots=True)
class ReturnedSlip:
    """A family's return slip (回执) as the office lists it: whose family, the day it came."""

    row: int
    employee_id: str
    name: str
    returned_on: date

    @property
    def key(self) -> str:
        return contact_key(self.employee_id, self.name)
