"""Talks not held by their day, as outbox rows: one per channel of each step, in the words of
what the addressee answers for; a confidential talk's reminder held from a shared contact. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.domain import Channel, MessageKind, MessageStatus, Quarter
from core.send_keys import talk_reminder_key
from models.outbox import OutboxRow
from policy.confidentiality import held_because
from policy.talk_chasing import TalkStep
from reports.messages import SmsStyle, passed_on, render_message
from reports.render import labels
from reports.text_params import as_stored, template_params


def talk_reminder_rows(
    steps: list[TalkStep],
    *,
    on: date,
    quarter: Quarter,
    lang: str,
    organisation: str,
    channels: list[Channel],
    units: Mapping[str, str],
    names: Mapping[str, str],
    shared: dict[str, list[str]],
    sms: SmsStyle,
) -> list[OutboxRow]:
    """The outbox rows of the day's steps. `names`: the talkers' names, for those above them."""
    words = labels(lang)
    rows: list[OutboxRow] = []
    for step in steps:
        context = {
            "name": step.recipient.name,
            "organisation": organisation,
            "level": step.level,
            "answers": step.answers.value,
            "count": len(step.talks),
            "talks": [
                {
                    "name": t.name,
                    "unit": units.get(t.unit_code, t.unit_code),
                    "post": t.post,
                    "kind": words["talk_kinds"][t.kind.value],
                    "due_on": t.due_on,
                    "talker": words["talkers"][t.talker.value],
                    "talker_name": names.get(t.talker_id or "", ""),
                }
                for t in step.talks
            ],
        }
        for channel, address in step.recipient.addresses(channels):
            subject, body = passed_on(
                step.recipient,
                address,
                lang,
                *render_message("talk_reminder", lang, context, channel=channel.value),
            )
            held = held_because(
                confidential=step.confidential,
                address=address,
                relayed=step.recipient.relayed(address),
                shared=shared,
            )
            rows.append(
                {
                    "send_key": talk_reminder_key(
                        quarter,
                        step.level,
                        on,
                        step.recipient.employee_id,
                        step.confidential,
                        channel.value,
                    ),
                    "quarter": quarter.label,
                    "kind": MessageKind.talk_reminder,
                    "channel": channel.value,
                    "recipient": address,
                    "employee_id": step.recipient.employee_id,
                    "subject": subject,
                    "body": sms.text(body) if channel == Channel.sms else body,
                    "attachment": None,
                    "due_on": on,
                    "expires_on": None,
                    "status": MessageStatus.held if held else MessageStatus.queued,
                    "last_error": held,
                    "params": as_stored(template_params("talk_reminder", context, lang))
                    if channel == Channel.sms
                    else None,
                }
            )
    return rows
