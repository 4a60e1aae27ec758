"""Integrity talks in the domain's words: their kinds, who holds them, their states, and a
talk as the roster calls for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class TalkKind(StrEnum):
    """The integrity talks a cadre is given (谈话): 任前廉政谈话, 提醒谈话, 监督谈话, 诫勉谈话,
    集体廉政谈话."""

    appointment = "appointment"
    reminder = "reminder"
    supervision = "supervision"
    admonishment = "admonishment"
    collective = "collective"


# Reminder and admonishment talks follow the admonition track's one rule: only the discipline
# body's outputs (and --confidential exports) ever name them.
CONFIDENTIAL_TALKS = frozenset({TalkKind.reminder, TalkKind.admonishment})
# What names them wherever people write (a register's cell, a rejected row): their words in
# both languages, as the templates' labels print them (a test keeps the two the same).
CONFIDENTIAL_TALK_NAMES = frozenset(
    {"提醒谈话", "诫勉谈话", "reminder talk", "admonishment talk", "admonishment"}
)


class Talker(StrEnum):
    """Who holds a talk, by role: always someone above the cadre, never a peer or a deputy."""

    top_leader = "top_leader"  # the unit's top leader (主要负责人)
    in_charge = "in_charge"  # the team member in charge of the unit (分管领导)
    discipline_head = "discipline_head"  # the discipline body's head (纪委书记)
    organisation = "organisation"  # the organisation department (组织部门)


class TalkState(StrEnum):
    due = "due"
    held = "held"
    overdue = "overdue"  # not stored: a due talk past its day
    waived = "waived"  # with a reason


@dataclass(frozen=True, slots=True)
class TalkOpened:
    """A talk the roster calls for: of which kind, with whom, why (the key it is opened by,
    once), by when, and who holds it (`talker_id` when the roster names that person)."""

    kind: TalkKind
    employee_id: str
    unit_code: str
    opened_by: str
    due_on: date
    talker: Talker
    talker_id: str | None
    pledge: bool = False  # a commitment letter (廉洁承诺书) goes with it

    @property
    def confidential(self) -> bool:
        return self.kind in CONFIDENTIAL_TALKS


@dataclass(frozen=True, slots=True)
class HeldTalk:
    """A talk the register says was held: with whom, of which kind, when, where, recorded by
    whom, and when the letter that went with it was signed; or, with no day, waived and why."""

    row: int
    employee_id: str
    kind: TalkKind
    held_on: date | None  # None: waived
    place: str
    recorder: str
    note: str
    pledge_signed_on: date | None
    waived_because: str = ""


@dataclass(frozen=True, slots=True)
class TalkInfo:
    """A stored talk as the reports read it: with whom, of which kind, due when, held by whom
    (`talker_id` when a person on the roster), its stored state and the day it was held."""

    id: int
    kind: TalkKind
    employee_id: str
    unit_code: str
    due_on: date
    talker: Talker
    talker_id: str | None
    state: TalkState
    held_on: date | None

    @property
    def confidential(self) -> bool:
        return self.kind in CONFIDENTIAL_TALKS

    def owed_on(self, day: date) -> bool:
        """Not held nor waived, and due by `day`."""
        return self.state is TalkState.due and self.due_on <= day


@dataclass(frozen=True, slots=True)
class PledgeInfo:
    """A commitment letter as the reports read it: whose, which version, due, issued, signed."""

    id: int
    employee_id: str
    unit_code: str
    version: str
    due_on: date
    issued_on: date | None
    signed_on: date | None
