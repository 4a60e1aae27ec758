"""Chasing outstanding education up the responsibility chain: cadre, team member, top leader."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from core.domain import CadreRecord, EnrolmentStatus, LeadershipRole, SessionPlan
from models.facts import QuarterData
from policy.config import Escalation
from policy.progress import Standing, quarter_standings
from policy.recorded import collected, known_on, rows_collected_on, sheets_back
from policy.reminders import Recipient

CADRE, TEAM_MEMBER, TOP_LEADER = 1, 2, 3


@dataclass(frozen=True, slots=True)
class Overdue:
    """A programme a cadre missed: the day it was due (the first session they missed), the
    day the miss became known (its sheet back), and the make-up they are booked on — the way
    to comply that every chaser names."""

    employee_id: str
    name: str
    unit_code: str
    post: str
    programme_code: str
    due_on: date
    confidential: bool
    known_on: date | None = None  # None: taken as known on the day it was due
    makeup: SessionPlan | None = None


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
    after_working_days: Callable[[date, int], date] = lambda day, n: day + timedelta(days=n),
) -> list[Step]:
    """The steps due on `on`, one per recipient and level, leaving out what was sent before.

    A rung is reached the policy's working days after the session missed
    (`after_working_days(day, n)`, the calendar's), and never before the miss is known.
    A dispatch that comes late (after downtime) climbs every rung whose time has come at once.
    Confidential programmes are chased with the cadre alone: no one else learns of them.
    """
    thresholds = (
        (CADRE, rules.cadre_after_days),
        (TEAM_MEMBER, rules.team_member_after_days),
        (TOP_LEADER, rules.top_leader_after_days),
    )
    # A confidential programme's items are chased in a message of their own, whose key names
    # the programme: what anyone else reads of the outbox can leave it out whole.
    grouped: dict[tuple[int, str, Answers, bool], list[Overdue]] = defaultdict(list)
    first = rules.cadre_after_days
    for item in overdue:
        known = item.known_on or item.due_on
        for level, after in thresholds:
            # The grace after the session, and the rungs one after another from the day the
            # miss became known: a sheet back late does not bring every rung at once.
            reached = max(
                after_working_days(item.due_on, after),
                after_working_days(known, after - first),
            )
            if on < reached or (item.employee_id, item.programme_code, level) in already:
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
                    grouped[(level, recipient, answers, item.confidential)].append(item)
    return [
        Step(
            level,
            chain.people[recipient],
            tuple(sorted(items, key=lambda i: i.employee_id)),
            answers,
        )
        for (level, recipient, answers, _), items in sorted(grouped.items())
        if recipient in chain.people
    ]


def overdue_items(
    data: QuarterData, on: date, *, waited: Callable[[date], date] = lambda back: back
) -> list[Overdue]:
    """Each programme a cadre missed and can still make up on `on`: its first session held
    before `on` whose outcome is known (their row collected, or left off the returned sheet
    past the wait `waited(back_on)`), with a make-up (or later session) booked from `on` on.

    Not chased: people whose session is ahead, whose sheet is still expected, who are excused
    or complete, and people with no make-up left (no way to comply: the reports say so).
    """
    requirements, standing = quarter_standings(data, as_of=on)
    cadres = {c.employee_id: c for c in data.cadres}
    programmes = {p.code: p for p in data.programmes}
    rows = collected(data.completions, on)
    back, row_days = sheets_back(rows), rows_collected_on(rows)
    theirs: dict[tuple[str, str], list[SessionPlan]] = defaultdict(list)
    held = {s.code: s for s in data.sessions}
    for code, who, status in data.enrolments:
        if status == EnrolmentStatus.enrolled and code in held:
            theirs[(who, held[code].programme_code)].append(held[code])
    items = []
    for requirement in requirements:
        key = (requirement.employee_id, requirement.programme_code)
        if not requirement.placed or standing[key] in (Standing.complete, Standing.excused):
            continue
        programme = programmes[requirement.programme_code]
        mine = sorted(
            theirs[(requirement.employee_id, programme.joint_with or programme.code)],
            key=lambda s: (s.held_on, s.code),
        )
        missed = [s for s in mine if s.held_on < on]
        ahead = [s for s in mine if s.held_on >= on]
        if not missed or not ahead:
            continue
        known = known_on(missed[0], requirement.employee_id, row_days, back, waited)
        if known is None:
            continue  # the sheet of the session missed is still expected
        cadre = cadres[requirement.employee_id]
        items.append(
            Overdue(
                cadre.employee_id,
                cadre.name,
                cadre.unit_code,
                cadre.post,
                requirement.programme_code,
                missed[0].held_on,
                programme.confidential,
                known_on=known,
                makeup=ahead[0],
            )
        )
    return items


def responsibility_chain(
    data: QuarterData, *, organisation_email: str | None = None, relay_to: str | None = None
) -> Chain:
    """Who answers for whom on the quarter's roster (leavers are on no rung), with the
    organisation department above the top leaders when its address is given. Whoever no
    channel reaches is written to through `relay_to` (the organiser), as their invitations."""
    return chain_of(data.cadres, organisation_email=organisation_email, relay_to=relay_to)


def chain_of(
    cadres: Sequence[CadreRecord],
    *,
    organisation_email: str | None = None,
    relay_to: str | None = None,
) -> Chain:
    """`responsibility_chain` of these cadres."""
    in_charge: dict[str, list[str]] = defaultdict(list)
    top_leaders: dict[str, list[str]] = defaultdict(list)
    roles: dict[str, LeadershipRole] = {}
    for cadre in cadres:
        if cadre.leadership_role is LeadershipRole.team_member:
            roles[cadre.employee_id] = cadre.leadership_role
            for unit in cadre.in_charge_of:
                in_charge[unit].append(cadre.employee_id)
        elif cadre.leadership_role is LeadershipRole.top_leader:
            roles[cadre.employee_id] = cadre.leadership_role
            top_leaders[cadre.unit_code].append(cadre.employee_id)
    people = {
        c.employee_id: Recipient(c.employee_id, c.name, c.phone, c.email, relay=relay_to)
        for c in cadres
    }
    if organisation_email:
        people[ORGANISATION_DEPARTMENT] = Recipient(
            ORGANISATION_DEPARTMENT, "", None, organisation_email
        )
    above = ORGANISATION_DEPARTMENT if organisation_email else None
    return Chain(people, in_charge, top_leaders, roles, above)
