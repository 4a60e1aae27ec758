"""Chasing outstanding education up the responsibility chain: cadre, team member, top leader."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

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


class Answers(StrEnum):
    """What the recipient of a step answers for: their own items, or others' as the team
    member in charge of their unit, its top leader, or the organisation department."""

    self = "self"
    in_charge = "in_charge"
    top_leader = "top_leader"
    organisation = "organisation"


@dataclass(frozen=True, slots=True)
class Step:
    """One message up the ladder: who gets it, at which level, about whom, and as what."""

    level: int
    recipient: Recipient
    items: tuple[Overdue, ...]
    answers: Answers = Answers.self


# The organisation department as an addressee of the ladder (LIANJIE_ORGANISATION_EMAIL): the
# level above a unit's top leader, who answers for a top leader's own education.
ORGANISATION_DEPARTMENT = "organisation-department"


@dataclass(frozen=True)
class Chain:
    """Who answers for whom: the team members in charge of a unit, its top leaders, and the
    organisation department above them all (when its address is known)."""

    people: Mapping[str, Recipient]
    in_charge: Mapping[str, list[str]]  # unit code → team members answering for it
    top_leaders: Mapping[str, list[str]]  # unit code → its top leaders
    roles: Mapping[str, LeadershipRole] = field(default_factory=dict)  # the leaders' roles
    above: str | None = None  # the organisation department's id in `people`, if reachable

    def above_of(self, employee_id: str, unit_code: str) -> list[tuple[Answers, list[str]]]:
        """Who stands above a person, nearest first: for a cadre the team members in charge
        of the unit, then its top leaders; for a team member the top leaders, then the
        organisation department; for a top leader the organisation department. Never a peer
        or a deputy: supervision goes up."""
        role = self.roles.get(employee_id)
        above = [(Answers.organisation, [self.above])] if self.above else []
        if role is LeadershipRole.top_leader:
            return above
        leaders = [t for t in self.top_leaders.get(unit_code, []) if t != employee_id]
        if role is LeadershipRole.team_member:
            return [(Answers.top_leader, leaders), *above]
        return [
            (Answers.in_charge, self.in_charge.get(unit_code, [])),
            (Answers.top_leader, leaders),
        ]


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
    grouped: dict[tuple[int, str, Answers], list[Overdue]] = defaultdict(list)
    for item in overdue:
        late = (on - item.due_on).days
        for level, after in thresholds:
            if late < after or (item.employee_id, item.programme_code, level) in already:
                continue
            if level == CADRE:
                answers, recipients = Answers.self, [item.employee_id]
            elif item.confidential:
                continue
            else:
                rungs = chain.above_of(item.employee_id, item.unit_code)
                if level - TEAM_MEMBER >= len(rungs):
                    continue  # nobody above this rung: the summary report names them
                answers, recipients = rungs[level - TEAM_MEMBER]
            for recipient in recipients:
                if level == CADRE or recipient != item.employee_id:
                    grouped[(level, recipient, answers)].append(item)
    return [
        Step(
            level,
            chain.people[recipient],
            tuple(sorted(items, key=lambda i: i.employee_id)),
            answers,
        )
        for (level, recipient, answers), items in sorted(grouped.items())
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


def responsibility_chain(data: QuarterData, *, organisation_email: str | None = None) -> Chain:
    """Who answers for whom on the quarter's roster (leavers are on no rung), with the
    organisation department above the top leaders when its address is given."""
    in_charge: dict[str, list[str]] = defaultdict(list)
    top_leaders: dict[str, list[str]] = defaultdict(list)
    roles: dict[str, LeadershipRole] = {}
    for cadre in data.cadres:
        if cadre.leadership_role is LeadershipRole.team_member:
            roles[cadre.employee_id] = cadre.leadership_role
            for unit in cadre.in_charge_of:
                in_charge[unit].append(cadre.employee_id)
        elif cadre.leadership_role is LeadershipRole.top_leader:
            roles[cadre.employee_id] = cadre.leadership_role
            top_leaders[cadre.unit_code].append(cadre.employee_id)
    people = {
        c.employee_id: Recipient(c.employee_id, c.name, c.phone, c.email) for c in data.cadres
    }
    if organisation_email:
        people[ORGANISATION_DEPARTMENT] = Recipient(
            ORGANISATION_DEPARTMENT, "", None, organisation_email
        )
    above = ORGANISATION_DEPARTMENT if organisation_email else None
    return Chain(people, in_charge, top_leaders, roles, above)
