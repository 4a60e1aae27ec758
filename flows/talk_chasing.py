"""Talks not held by their day, chased each working morning with the education ladder."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache

from prefect import task

from core.domain import CadreRecord, Quarter
from core.talks import Talker, TalkKind
from flows.common import RunSettings, log, quarter_policy
from flows.escalation import chased_quarters
from models.cadres import quarter_roster
from models.db import session_for
from models.outbox import add_messages
from models.talks import Talk, mark_chased, owed_talks
from policy.confidentiality import shared_contacts
from policy.config import Policy
from policy.escalation import ORGANISATION_DEPARTMENT, Chain, chain_of
from policy.reminders import Recipient
from policy.talk_chasing import DISCIPLINE_BODY, TalkStep, owed_talk, talk_ladder
from reports.messages import SmsStyle
from reports.talk_chasing import talk_reminder_rows


# Safe to repeat: the send keys and each talk's rung reached make a second attempt add nothing.
@task(retries=1, retry_delay_seconds=10, persist_result=False)
def plan_talk_reminders(*, run: RunSettings, on: date) -> dict[str, int]:
    """Queue the reminders of talks past their day: to the talker, then to whoever is above."""
    with session_for(run.db_url) as session:
        running = chased_quarters(session=session, on=on)
        owed = owed_talks(session, on)
        if not running or not owed:
            return {"talks": 0, "reminders": 0}
        quarter = max(running, key=lambda q: q.starts_on)  # the roster that is the truth now
        _, loaded = quarter_policy(session=session, quarter=quarter)
        cadres = quarter_roster(session=session, quarter=quarter)
        steps = talk_steps(owed, cadres, policy=loaded.policy, run=run, on=on, quarter=quarter)
        rows = talk_reminder_rows(
            steps,
            on=on,
            quarter=quarter,
            lang=run.lang,
            organisation=run.organisation,
            channels=loaded.policy.reminders.channels,
            units={c.unit_code: c.unit_name for c in cadres},
            names={c.employee_id: c.name for c in cadres},
            shared=shared_contacts(cadres),
            sms=SmsStyle(run.signature, loaded.policy.reminders.sms_max_chars),
        )
        add_messages(session=session, rows=rows)
        mark_chased(session, rungs_reached(steps))
    # Counted without the confidential talks, wherever it shows (the run's log, its result):
    # a morning that chased one talk and sent no ordinary reminder would say who shows signs.
    shown = [s for s in steps if not s.confidential]
    talks = len({t.talk_id for s in shown for t in s.talks})
    log().info("talks past their day on %s: %d chased, %d reminders", on, talks, len(shown))
    return {"talks": talks, "reminders": len(shown)}


def rungs_reached(steps: list[TalkStep]) -> dict[int, int]:
    """Each talk's highest rung among the day's steps, by its id."""
    reached: dict[int, int] = {}
    for step in steps:
        for talk in step.talks:
            reached[talk.talk_id] = max(reached.get(talk.talk_id, 0), step.level)
    return reached


def talk_steps(
    owed: list[Talk],
    cadres: list[CadreRecord],
    *,
    policy: Policy,
    run: RunSettings,
    on: date,
    quarter: Quarter,
) -> list[TalkStep]:
    """The day's steps for the talks owed by the cadres still on the roster (a leaver's talk is
    no one's to hold any more)."""
    chain = talkers_chain(chain_of(cadres, organisation_email=run.organisation_email), run)
    people = {c.employee_id: c for c in cadres}
    asked = [
        owed_talk(
            t.id or 0,
            TalkKind(t.kind),
            people[t.employee_id],
            t.due_on,
            (Talker(t.talker), t.talker_id),
            chain,
            t.chased_level,
        )
        for t in owed
        if t.employee_id in people
    ]
    return talk_ladder(
        asked,
        on=on,
        rules=policy.escalation,
        chain=chain,
        units={c.employee_id: c.unit_code for c in cadres},
        register_wait=policy.sessions.not_recorded_wait_working_days,
        bodies={
            Talker.organisation: ORGANISATION_DEPARTMENT,
            Talker.discipline_head: DISCIPLINE_BODY,
        },
        after_working_days=cache(run.calendar(quarter.starts_on, on).shift_working_days),
    )


def talkers_chain(chain: Chain, run: RunSettings) -> Chain:
    """The responsibility chain with the discipline body as a talker, when its address is known."""
    if not run.discipline_email:
        return chain
    body = Recipient(DISCIPLINE_BODY, "", None, run.discipline_email)
    return replace(chain, people={**chain.people, DISCIPLINE_BODY: body})
