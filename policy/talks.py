"""Integrity talks the roster opens (谈话): an appointment talk with its commitment letter for
each new appointment, a supervision talk a year for each top leader, a reminder talk for a
cadre showing signs. Each is opened once, by what opened it, and held by someone above the
cadre, never a peer or a deputy."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from core.domain import CadreRecord, LeadershipRole, Quarter
from core.talks import Talker, TalkKind, TalkOpened, TalkState
from policy.config import TalkRules
from policy.escalation import Answers, Chain

# The roles up from a cadre, nearest first: a talk asked of a role goes to the first of it or
# above that the roster fills.
UPWARD = (Talker.in_charge, Talker.top_leader, Talker.organisation)
ON_THE_ROSTER = {Talker.in_charge: Answers.in_charge, Talker.top_leader: Answers.top_leader}


def talks_opened(
    cadres: Iterable[CadreRecord],
    *,
    rules: TalkRules,
    quarter: Quarter,
    chain: Chain,
    due_by: Callable[[date], date] = lambda day: day,
) -> list[TalkOpened]:
    """The talks the quarter's roster calls for. Opening the same talk again is a no-op for
    the caller: `opened_by` names the appointment, the year or the discipline status, not the
    quarter, so a talk opened last quarter is the same talk now. A talk's last day is
    `due_by` its deadline: the calendar's working day on or before it (a deadline on a
    Saturday or in a holiday is the working day before)."""
    opened: list[TalkOpened] = []
    for cadre in cadres:
        appointed = cadre.appointed_on
        if appointed is not None and _still_open(appointed, rules.appointment_within_days, quarter):
            opened.append(
                _talk(
                    TalkKind.appointment,
                    cadre,
                    f"appointed:{appointed.isoformat()}",
                    due_by(appointed + timedelta(days=rules.appointment_within_days)),
                    rules.appointment_talker,
                    chain,
                    pledge=rules.pledge_with_appointment,
                )
            )
        if cadre.leadership_role is LeadershipRole.top_leader:
            opened.append(
                _talk(
                    TalkKind.supervision,
                    cadre,
                    f"year:{quarter.year}",
                    due_by(date(quarter.year, 12, 31)),
                    rules.supervision_talker,
                    chain,
                )
            )
        if cadre.discipline_status in rules.reminder_statuses:
            known = cadre.discipline_on or quarter.starts_on
            if _still_open(known, rules.reminder_within_days, quarter):
                opened.append(
                    _talk(
                        TalkKind.reminder,
                        cadre,
                        f"{cadre.discipline_status.value}:{known.isoformat()}",
                        due_by(known + timedelta(days=rules.reminder_within_days)),
                        rules.reminder_talker,
                        chain,
                    )
                )
    return opened


def held_unopened(
    kind: TalkKind, cadre: CadreRecord, held_on: date, *, rules: TalkRules, chain: Chain
) -> TalkOpened | None:
    """The talk a register says was held that nothing opened, when it is of a kind people
    decide (an admonishment, a collective talk): opened by the day it was held, due that day.
    None for a kind the roster opens: such a row matches an open talk or is a mistake."""
    if kind not in rules.recorded_when_held:
        return None
    return _talk(kind, cadre, f"held:{held_on.isoformat()}", held_on, rules.held_talker, chain)


def state_on(stored: TalkState, due_on: date, day: date) -> TalkState:
    """A stored talk's state as of `day`: a due talk past its day is overdue."""
    return TalkState.overdue if stored is TalkState.due and due_on < day else stored


def pledge_state(signed_on: date | None, issued_on: date | None, due_on: date, day: date) -> str:
    """A commitment letter as of `day`: signed, overdue (past its day unsigned), issued, or due."""
    if signed_on is not None:
        return "signed"
    if due_on < day:
        return "overdue"
    return "issued" if issued_on is not None else "due"


def talker_for(asked: Talker, cadre: CadreRecord, chain: Chain) -> tuple[Talker, str | None]:
    """Who holds a talk asked of a role: the first person the roster puts at that role or
    above the cadre (the chain never gives a peer or a deputy); with nobody there, the
    organisation department, or the discipline body's head when that was asked."""
    if asked is Talker.discipline_head:
        return asked, None
    rungs = dict(chain.above_of(cadre.employee_id, cadre.unit_code))
    for role in UPWARD[UPWARD.index(asked) :]:
        people = rungs.get(ON_THE_ROSTER[role], []) if role in ON_THE_ROSTER else []
        if people:
            return role, sorted(people)[0]
    return Talker.organisation, None


def _still_open(since: date, within_days: int, quarter: Quarter) -> bool:
    """Whether a talk due `within_days` after `since` belongs to this quarter or is still
    owed from before it: not one of the future, nor one long past that lianjie never knew."""
    return since <= quarter.ends_on and since + timedelta(days=within_days) >= quarter.starts_on


def _talk(
    kind: TalkKind,
    cadre: CadreRecord,
    opened_by: str,
    due_on: date,
    asked: Talker,
    chain: Chain,
    *,
    pledge: bool = False,
) -> TalkOpened:
    talker, talker_id = talker_for(asked, cadre, chain)
    return TalkOpened(
        kind, cadre.employee_id, cadre.unit_code, opened_by, due_on, talker, talker_id, pledge
    )
