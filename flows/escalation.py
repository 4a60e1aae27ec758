"""The escalation ladder, planned each morning before dispatch sends what is due."""

from __future__ import annotations

from datetime import date, timedelta

from prefect import task
from sqlmodel import Session, col, select

from core.domain import MessageStatus
from flows.common import log, quarter_policy
from models.db import insert_new, session_for
from models.facts import load_quarter
from models.outbox import add_messages
from models.tables import EscalationLog, QuarterCycle
from policy.confidentiality import hold_reason, shared_contacts
from policy.escalation import ladder, overdue_items, responsibility_chain
from reports.messages import SmsStyle, escalation_rows

# A quarter is still chased this long after it ends (late sign-in sheets, make-ups).
CHASED_AFTER_END = timedelta(days=92)


@task
def plan_escalations(
    db_url: str, on: date, lang: str, organisation: str, sms_signature: str | None = None
) -> dict[str, int]:
    """Queue the ladder's reminders and digests due on `on`: one per recipient and level."""
    counts = {"reminders": 0, "digests": 0, "messages": 0}
    with session_for(db_url) as session:
        for quarter in chased_quarters(session=session, on=on):
            _, loaded = quarter_policy(session=session, quarter=quarter)
            data = load_quarter(session=session, quarter=quarter)
            assert data is not None
            already = {
                (e.employee_id, e.programme_code, e.level)
                for e in session.exec(select(EscalationLog).where(EscalationLog.quarter == quarter))
            }
            steps = ladder(
                overdue_items(data, on),
                on=on,
                rules=loaded.policy.escalation,
                chain=responsibility_chain(data),
                already=already,
            )
            names = {p.code: p.name_zh if lang == "zh" else p.name_en for p in data.programmes}
            shared = shared_contacts(data.cadres)
            messages, logged = [], []
            for step in steps:
                rows = escalation_rows(
                    step,
                    on=on,
                    quarter=quarter,
                    lang=lang,
                    organisation=organisation,
                    channels=loaded.policy.reminders.channels,
                    programmes=names,
                    units=data.units,
                    sms=SmsStyle(
                        sms_signature or f"【{organisation}】",
                        loaded.policy.reminders.sms_max_chars,
                    ),
                )
                secret = any(i.confidential for i in step.items)
                for row in rows:
                    held = hold_reason(str(row["recipient"]), shared) if secret else None
                    # Every row names the same columns: they are inserted many at a time.
                    row |= {
                        "status": MessageStatus.held if held else MessageStatus.queued,
                        "last_error": held,
                    }
                messages += rows
                key = (
                    rows[0]["send_key"] if rows else f"escalation:{quarter}:L{step.level}:{on}:none"
                )
                logged += [
                    {
                        "quarter": quarter,
                        "employee_id": i.employee_id,
                        "programme_code": i.programme_code,
                        "level": step.level,
                        "send_key": key,
                        "on": on,
                    }
                    for i in step.items
                ]
                counts["reminders" if step.level == 1 else "digests"] += 1
            counts["messages"] += add_messages(session=session, rows=messages)
            insert_new(session, EscalationLog, logged)
    log().info("escalation on %s: %s", on, counts)
    return counts


def chased_quarters(*, session: Session, on: date) -> list[str]:
    return list(
        session.exec(
            select(col(QuarterCycle.label)).where(
                col(QuarterCycle.starts_on) <= on,
                col(QuarterCycle.ends_on) >= on - CHASED_AFTER_END,
            )
        )
    )
