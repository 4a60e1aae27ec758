"""Chasing talks not held by their day: the talker first, then whoever stands above the
talker, on the same working days as the education ladder. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from core.domain import CadreRecord
from core.talks import CONFIDENTIAL_TALKS, Talker, TalkKind
from policy.config import Escalation
from policy.escalation import Answers, Chain
from policy.reminders import Recipient
from policy.talks import talker_for

TALKER, ABOVE_TALKER = 1, 2
# The discipline inspection body as a talker (LIANJIE_DISCIPLINE_EMAIL): it holds the talks the
# policy asks of its head, and the roster does not name that person.
DISCIPLINE_BODY = "discipline-body"


@dataclass(frozen=True, slots=True)
class OwedTalk:
    """A talk past its day and not held: with whom, of which kind, due when, who holds it now
    (`talker_id`, or a body off the roster), and the highest rung it has been chased to."""

    talk_id: int
    kind: TalkKind
    employee_id: str
    name: str
    unit_code: str
    post: str
    due_on: date
    talker: Talker
    talker_id: str | None
    chased_level: int = 0

    @property
    def confidential(self) -> bool:
        return self.kind in CONFIDENTIAL_TALKS


@dataclass(frozen=True, slots=True)
class TalkStep:
    """One message about owed talks: to whom, at which rung, in which standing (the talker
    themself, or above them), about which talks. A confidential talk is in a step of its own."""

    level: int
    recipient: Recipient
    talks: tuple[OwedTalk, ...]
    answers: Answers
    confidential: bool


def owed_talk(
    talk_id: int,
    kind: TalkKind,
    cadre: CadreRecord,
    due_on: date,
    asked: tuple[Talker, str | None],
    chain: Chain,
    chased_level: int,
) -> OwedTalk:
    """A stored talk as it is chased today: when the person asked to hold it has left the
    roster, whoever now holds that role above the cadre holds it."""
    talker, talker_id = asked
    if talker_id is not None and talker_id not in chain.people:
        talker, talker_id = talker_for(talker, cadre, chain)
    return OwedTalk(
        talk_id,
        kind,
        cadre.employee_id,
        cadre.name,
        cadre.unit_code,
        cadre.post,
        due_on,
        talker,
        talker_id,
        chased_level,
    )


def talk_ladder(
    owed: Iterable[OwedTalk],
    *,
    on: date,
    rules: Escalation,
    chain: Chain,
    units: Mapping[str, str],
    register_wait: int,
    bodies: Mapping[Talker, str],
    after_working_days: Callable[[date, int], date] = lambda day, n: day + timedelta(days=n),
) -> list[TalkStep]:
    """The messages due on `on` about talks not held, one per recipient and rung.

    The talker is reminded once the talk's register could have come back (`register_wait`
    working days after its day: a talk held on its last day is not chased before); whoever
    stands above the talker, the education ladder's gap later. `units` gives each talker's
    unit; `bodies` the chain's id of a talker off the roster (the organisation department,
    the discipline body). A confidential talk is only ever chased with its talker, who holds
    it: nobody above learns of it.
    """
    climb = rules.team_member_after_days - rules.cadre_after_days
    grouped: dict[tuple[int, str, Answers, bool], list[OwedTalk]] = defaultdict(list)
    for talk in owed:
        for level, after in ((TALKER, register_wait), (ABOVE_TALKER, register_wait + climb)):
            if level <= talk.chased_level or on < after_working_days(talk.due_on, after):
                continue
            if level == TALKER:
                who = talk.talker_id or bodies.get(talk.talker)
                rung: tuple[Answers, list[str]] = (Answers.self, [who] if who else [])
            elif talk.confidential or talk.talker_id is None:
                continue  # above the discipline body or the department: the reports say it
            else:
                rungs = chain.above_of(talk.talker_id, units.get(talk.talker_id, ""))
                rung = rungs[0] if rungs else (Answers.organisation, [])
            answers, recipients = rung
            for recipient in recipients:
                if recipient != talk.employee_id:
                    grouped[(level, recipient, answers, talk.confidential)].append(talk)
    return [
        TalkStep(
            level,
            chain.people[recipient],
            tuple(sorted(talks, key=lambda t: (t.due_on, t.employee_id, t.kind))),
            answers,
            confidential,
        )
        for (level, recipient, answers, confidential), talks in sorted(grouped.items())
        if recipient in chain.people
    ]
