"""The escalation ladder's steps as rows of the outbox and of the escalation log: pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.domain import MessageStatus, name_in
from models.facts import QuarterData
from policy.confidentiality import hold_reason, shared_contacts
from policy.config import Policy
from policy.escalation import Step
from reports.messages import NOT_RELAYED, SmsStyle, escalation_rows


@dataclass(slots=True)
class Chasing:
    """What one quarter's chasing on one day adds: messages, the log of who was chased at
    which level, and how many reminders and digests that makes."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    logged: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def chasing(
    steps: list[Step],
    *,
    data: QuarterData,
    policy: Policy,
    quarter: str,
    on: date,
    lang: str,
    organisation: str,
    signature: str,
) -> Chasing:
    """The outbox rows of the ladder's steps; confidential items to a shared address are held."""
    names = {p.code: name_in(p, lang) for p in data.programmes}
    shared = shared_contacts(data.cadres)
    sms = SmsStyle(signature, policy.reminders.sms_max_chars)
    out = Chasing()
    for step in steps:
        rows = escalation_rows(
            step,
            on=on,
            quarter=quarter,
            lang=lang,
            organisation=organisation,
            channels=policy.reminders.channels,
            programmes=names,
            units=data.units,
            sms=sms,
        )
        secret = any(i.confidential for i in step.items)
        for row in rows:
            held = hold_reason(str(row["recipient"]), shared) if secret else None
            if secret and step.recipient.relayed(str(row["recipient"])):
                held = NOT_RELAYED
            # Every row names the same columns: they are inserted many at a time.
            row |= {
                "status": MessageStatus.held if held else MessageStatus.queued,
                "last_error": held,
            }
        out.messages += rows
        key = rows[0]["send_key"] if rows else f"escalation:{quarter}:L{step.level}:{on}:none"
        out.logged += [
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
        out.counts["reminders" if step.level == 1 else "digests"] += 1
    return out
