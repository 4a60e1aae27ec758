"""The escalation ladder's steps as rows of the outbox (one per channel, in the words of what the
addressee answers for) and of the escalation log: pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.domain import Channel, MessageKind, MessageStatus, Quarter, name_in
from core.send_keys import escalation_key, nobody_reached_key
from models.facts import QuarterData
from models.outbox import OutboxRow
from policy.confidentiality import held_because, shared_contacts
from policy.config import Policy
from policy.escalation import Step
from reports.messages import SmsStyle, passed_on, render_message
from reports.text_params import as_stored, template_params


def escalation_rows(
    step: Step,
    *,
    on: date,
    quarter: Quarter,
    lang: str,
    organisation: str,
    channels: list[Channel],
    programmes: Mapping[str, str],
    units: Mapping[str, str],
    sms: SmsStyle,
) -> list[OutboxRow]:
    """One outbox row per channel for a step of the ladder (a reminder or a digest).

    By text message a digest gives the count and points to the e-mail with the full list.
    """
    items = [
        {
            "name": i.name,
            "unit": units.get(i.unit_code, i.unit_code),
            "post": i.post,
            "programme": programmes[i.programme_code],
            "due_on": i.due_on,
            # the make-up (or later session) the person is booked on: the way to comply
            "makeup": i.makeup,
        }
        for i in step.items
    ]
    context = {
        "name": step.recipient.name,
        "organisation": organisation,
        "level": step.level,
        "answers": step.answers.value,  # self, in_charge, top_leader or organisation
        "items": items,
        "count": len({i.employee_id for i in step.items}),
    }
    texts = {
        channel: render_message("escalation", lang, context, channel=channel.value)
        for channel in channels
    }
    # A confidential programme's chaser names it in its key, so that every reader of the
    # outbox without --confidential (the messages export, a cadre's record) leaves it out.
    secret = {i.programme_code for i in step.items if i.confidential}

    texts_to = {
        (channel, address): passed_on(step.recipient, address, lang, *texts[channel])
        for channel, address in step.recipient.addresses(channels)
    }
    return [
        {
            # The quarter is part of the key: two quarters chased on one day are two digests.
            "send_key": escalation_key(
                quarter, step.level, on, step.recipient.employee_id, secret, channel
            ),
            "quarter": quarter.label,
            "kind": MessageKind.escalation,
            "channel": channel.value,
            "recipient": address,
            "employee_id": step.recipient.employee_id,
            "subject": texts_to[(channel, address)][0],
            "body": sms.text(texts_to[(channel, address)][1])
            if channel == Channel.sms
            else texts_to[(channel, address)][1],
            "attachment": None,
            "due_on": on,
            "expires_on": None,
            "status": MessageStatus.queued,  # or held, as `chasing` decides
            "last_error": None,
            "params": as_stored(template_params("escalation", context, lang))
            if channel == Channel.sms
            else None,
        }
        for channel, address in step.recipient.addresses(channels)
    ]


@dataclass(slots=True)
class Chasing:
    """What one quarter's chasing on one day adds: messages, the log of who was chased at
    which level, and how many reminders and digests that makes."""

    messages: list[OutboxRow] = field(default_factory=list)
    logged: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def chasing(
    steps: list[Step],
    *,
    data: QuarterData,
    policy: Policy,
    quarter: Quarter,
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
            held = held_because(
                confidential=secret,
                address=row["recipient"],
                relayed=step.recipient.relayed(row["recipient"]),
                shared=shared,
            )
            if held:
                row["status"], row["last_error"] = MessageStatus.held, held
        out.messages += rows
        key = rows[0]["send_key"] if rows else nobody_reached_key(quarter, step.level, on)
        out.logged += [
            {
                "quarter": quarter.label,
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
