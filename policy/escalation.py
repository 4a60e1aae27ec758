"""Chasing outstanding education up the responsibility chain: cadre, team member, top leader."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from core.domain import LeadershipRole
from models.facts import QuarterData
from policy.config import Escalation
from policy.progress import Standing, quarter_standings
from policy.reminders import Recipient

CADRE, TEAM_MEMBER, TOP_LEADER = 1, 2, 3


@dataclass(frozen=True, slots=True)
class Overdue:
    """A programme a cadre has not completed, and the day it was due (their session's day)."""

    employee_id: str
    name: str
    unit_code: str
    post: str
    programme_code: str
    due_on: date
    confidential: bool


@dataclass(frozen=True, slots=True)
class Step:
    """One message up the ladder: who gets it, at which level, about whom."""

    level: int
    recipient: Recipient
    items: tuple[Overdue, ...]


@dataclass(frozen=True)
class Chain:
    """Who answers for whom: the team members in charge of a unit, and its top leaders."""

    people: Mapping[str, Recipient]
    in_charge: Mapping[str, list[str]]  # unit code → team members answering for it
    top_leaders: Mapping[str, list[str]]  # unit code → its top leaders


def ladder(
    overdue: Iterable[Overdue],
    *,
    on: date,
    rules: Escalation,
    chain: Chain,
    already: set[tuple[str, str, int]],
) -> list[Step]:
    """The steps due on `on`, one per recipient and level, leaving out what was sent before.

    A dispatch that comes late (after downtime) climbs every rung whose time has come at once.
    Confidential programmes are chased with the cadre alone: no one else learns of them.
    """
    thresholds = (
        (CADRE, rules.cadre_after_days),
        (TEAM_MEMBER, rules.team_member_after_days),
        (TOP_LEADER, rules.top_leader_after_days),
    )
    grouped: dict[tuple[int, str], list[Overdue]] = defaultdict(list)
    for item in overdue:
        late = (on - item.due_on).days
        for level, after in thresholds:
            if late < after or (item.employee_id, item.programme_code, level) in already:
                continue
            if level == CADRE:
                recipients = [item.employee_id]
            elif item.confidential:
                continue
            elif level == TEAM_MEMBER:
                recipients = list(chain.in_charge.get(item.unit_code, []))
            else:
                recipients = list(chain.top_leaders.get(item.unit_code, []))
            for recipient in recipients:
                if level == CADRE or recipient != item.employee_id:
                    grouped[(level, recipient)].append(item)
    return [
        Step(level, chain.people[recipient], tuple(sorted(items, key=lambda i: i.employee_id)))
        for (level, recipient), items in sorted(grouped.items())
        if recipient in chain.people
    ]


def overdue_items(data: QuarterData, on: date) -> list[Overdue]:
    """Each requirement not complete on `on`, due on the day of that person's own session for it.

    People never placed in a session are not chased: nothing was asked of them yet.
    """
    requirements, standing = quarter_standings(data, as_of=on)
    cadres = {c.employee_id: c for c in data.cadres}
    confidential = {p.code for p in data.programmes if p.confidential}
    items = []
    for requirement in requirements:
        key = (requirement.employee_id, requirement.programme_code)
        if not requirement.placed or standing[key] is Standing.complete:
            continue
        due_on = requirement.due_on
        cadre = cadres[requirement.employee_id]
        items.append(
            Overdue(
                cadre.employee_id,
                cadre.name,
                cadre.unit_code,
                cadre.post,
                requirement.programme_code,
                due_on,
                requirement.programme_code in confidential,
            )
        )
    return items


def responsibility_chain(data: QuarterData) -> Chain:
    """Who answers for whom on the quarter's roster (leavers are on no rung)."""
    in_charge: dict[str, list[str]] = defaultdict(list)
    top_leaders: dict[str, list[str]] = defaultdict(list)
    for cadre in data.cadres:
        if cadre.leadership_role is LeadershipRole.team_member:
            for unit in cadre.in_charge_of:
                in_charge[unit].append(cadre.employee_id)
        elif cadre.leadership_role is LeadershipRole.top_leader:
            top_leaders[cadre.unit_code].append(cadre.employee_id)
    people = {
        c.employee_id: Recipient(c.employee_id, c.name, c.phone, c.email) for c in data.cadres
    }
    return Chain(people, in_charge, top_leaders)
