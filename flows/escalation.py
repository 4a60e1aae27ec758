"""The escalation ladder, planned each morning before dispatch sends what is due."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import cache, partial

from prefect import task
from sqlmodel import Session, col, select

from core.domain import Quarter
from flows.common import RunSettings, log, quarter_policy
from models.bulk import insert_new
from models.db import session_for
from models.facts import load_quarter
from models.outbox import add_messages
from models.tables import EscalationLog, QuarterCycle
from policy.escalation import ladder, overdue_items, responsibility_chain
from reports.chasing import chasing

# A quarter is still chased this long after it ends (late sign-in sheets, make-ups).
CHASED_AFTER_END = timedelta(days=92)


# Safe to repeat: each step's send key and the escalation log's unique key make a second
# attempt add nothing; a dropped database connection is worth one more try.
@task(retries=1, retry_delay_seconds=10, persist_result=False)
def plan_escalations(*, run: RunSettings, on: date) -> dict[str, int]:
    """Queue the ladder's reminders and digests due on `on`: one per recipient and level."""
    counts: Counter[str] = Counter({"reminders": 0, "digests": 0, "messages": 0})
    with session_for(run.db_url) as session:
        for quarter in chased_quarters(session=session, on=on):
            _, loaded = quarter_policy(session=session, quarter=quarter)
            data = load_quarter(session=session, quarter=quarter)
            assert data is not None
            # Asked for every item and rung, of a few dozen session days: counted once each.
            shift = cache(run.calendar(quarter.starts_on, quarter.ends_on).shift_working_days)
            wait = loaded.policy.sessions.not_recorded_wait_working_days
            steps = ladder(
                overdue_items(data, on, waited=partial(shift, count=wait)),
                on=on,
                rules=loaded.policy.escalation,
                chain=responsibility_chain(
                    data,
                    organisation_email=run.organisation_email,
                    relay_to=run.organiser_email,
                ),
                already=levels_reached(session=session, quarter=quarter),
                after_working_days=shift,
            )
            chased = chasing(
                steps,
                data=data,
                policy=loaded.policy,
                quarter=quarter,
                on=on,
                lang=run.lang,
                organisation=run.organisation,
                signature=run.signature,
            )
            counts.update(chased.counts)
            counts["messages"] += add_messages(session=session, rows=chased.messages)
            insert_new(session, EscalationLog, chased.logged)
    log().info("escalation on %s: %s", on, dict(counts))
    return dict(counts)


def levels_reached(*, session: Session, quarter: Quarter) -> set[tuple[str, str, int]]:
    """(person, programme, level) of every rung already climbed in the quarter."""
    logged = session.exec(select(EscalationLog).where(EscalationLog.quarter == quarter.label))
    return {(e.employee_id, e.programme_code, e.level) for e in logged}


def chased_quarters(*, session: Session, on: date) -> list[Quarter]:
    running = session.exec(
        select(col(QuarterCycle.label)).where(
            col(QuarterCycle.starts_on) <= on,
            col(QuarterCycle.ends_on) >= on - CHASED_AFTER_END,
        )
    )
    return [Quarter.parse(label) for label in running]
