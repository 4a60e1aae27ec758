"""Message wording from the editable templates in templates/messages/<lang>/."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from models.domain import Channel
from policy.escalation import Step
from policy.reminders import PlannedMessage
from policy.schedule import ends_at
from reports.render import environment


def render_message(kind: str, lang: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject and the body of a message of this kind."""
    template = environment().get_template(f"messages/{lang}/{kind}.txt.j2")
    values = template.new_context(context)
    subject = "".join(template.blocks["subject"](values)).strip()
    body = "".join(template.blocks["body"](values)).strip()
    return subject, body


# Stands for the recipient's name while a text is rendered once for everyone who gets it.
NAME_SLOT = "\x00name\x00"


class Composer:
    """Outbox rows for planned messages, each distinct text rendered once.

    Everything in a message but the recipient's name is shared by everyone invited to the same
    session or reminded of the same holiday: render that once and put each name in, instead of
    running the template half a million times for a province.
    """

    def __init__(
        self,
        *,
        quarter: str,
        lang: str,
        organisation: str,
        programmes: Mapping[str, tuple[str, int]],  # code → (name, minutes)
        cards: Mapping[str, Path],  # holiday → its greeting card
    ) -> None:
        self.quarter, self.lang, self.organisation = quarter, lang, organisation
        self.programmes, self.cards = programmes, cards
        self._texts: dict[tuple[str, str, bool], tuple[str, str]] = {}

    def row(self, planned: PlannedMessage) -> dict[str, Any]:
        """A planned message as an outbox row."""
        holiday, session = planned.holiday, planned.session
        occasion = ""
        if session is not None:
            occasion = session.code
        elif holiday is not None:
            occasion = card_key(holiday.key, holiday.first_day.isoformat())
        key = (planned.kind.value, occasion, planned.recipient.pointed)
        if key not in self._texts:
            self._texts[key] = render_message(planned.kind.value, self.lang, self._context(planned))
        subject, body = (
            text.replace(NAME_SLOT, planned.recipient.name) for text in self._texts[key]
        )
        attachment = self.cards.get(occasion) if holiday and planned.channel == "email" else None
        return {
            "send_key": planned.send_key,
            "quarter": self.quarter,
            "kind": planned.kind.value,
            "channel": planned.channel.value,
            "recipient": planned.address,
            "employee_id": planned.recipient.employee_id,
            "subject": subject,
            "body": body,
            "attachment": str(attachment) if attachment else None,
            "due_on": planned.due_on,
            "expires_on": planned.expires_on,
        }

    def _context(self, planned: PlannedMessage) -> dict[str, Any]:
        context: dict[str, Any] = {
            "name": NAME_SLOT,
            "organisation": self.organisation,
            "pointed": planned.recipient.pointed,
        }
        if planned.holiday is not None:
            holiday = planned.holiday
            context |= {
                "holiday": holiday.name_zh if self.lang == "zh" else holiday.name_en,
                "start": holiday.first_day.isoformat(),
            }
        if planned.session is not None:
            session = planned.session
            name, minutes = self.programmes[session.programme_code]
            context |= {
                "programme": name,
                "session_code": session.code,
                "held_on": session.held_on.isoformat(),
                "starts_at": session.starts_at.strftime("%H:%M"),
                "ends_at": ends_at(session.starts_at, minutes).strftime("%H:%M"),
                "venue": session.venue,
            }
        return context


def card_key(holiday_key: str, first_day: str) -> str:
    return holiday_key + first_day


def escalation_rows(
    step: Step,
    *,
    on: date,
    quarter: str,
    lang: str,
    organisation: str,
    channels: list[Channel],
    programmes: Mapping[str, str],
    units: Mapping[str, str],
) -> list[dict[str, Any]]:
    """One outbox row per channel for a step of the ladder (a reminder or a digest)."""
    items = [
        {
            "name": i.name,
            "unit": units.get(i.unit_code, i.unit_code),
            "post": i.post,
            "programme": programmes[i.programme_code],
            "due_on": i.due_on.isoformat(),
        }
        for i in step.items
    ]
    subject, body = render_message(
        "escalation",
        lang,
        {
            "name": step.recipient.name,
            "organisation": organisation,
            "level": step.level,
            "items": items,
            "count": len({i.employee_id for i in step.items}),
        },
    )
    return [
        {
            # The quarter is part of the key: two quarters chased on one day are two digests.
            "send_key": f"escalation:{quarter}:L{step.level}:{on.isoformat()}:"
            f"{step.recipient.employee_id}:{channel}",
            "quarter": quarter,
            "kind": "escalation",
            "channel": channel.value,
            "recipient": address,
            "employee_id": step.recipient.employee_id,
            "subject": subject,
            "body": body,
            "attachment": None,
            "due_on": on,
            "expires_on": None,
        }
        for channel, address in step.recipient.addresses(channels)
    ]
