"""Message wording from the editable templates in templates/messages/<lang>/."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateNotFound, meta

from core.domain import Channel, MessageStatus, Quarter, name_in
from models.outbox import OutboxRow
from policy.calendar import HolidayBreak
from policy.confidentiality import held_because
from policy.config import ProgrammeRule
from policy.reminders import PlannedMessage, Recipient
from policy.schedule import ends_at
from policy.texts import VARIABLE_CHARS
from reports.render import environment
from reports.text_params import as_stored, template_params
from reports.wording import shortened


def render_message(
    kind: str, lang: str, context: dict[str, Any], *, channel: str = "email"
) -> tuple[str, str]:
    """The subject and the body of a message of this kind; a text message has its own, short
    body (`<kind>.sms.j2`) and keeps the e-mail's subject for the outbox's listing."""
    context = {"lang": lang} | context
    template = environment().get_template(f"messages/{lang}/{kind}.txt.j2")
    values = template.new_context(context)
    subject = "".join(template.blocks["subject"](values)).strip()
    body = "".join(template.blocks["body"](values)).strip()
    if channel == Channel.sms:
        short = environment().get_template(f"messages/{lang}/{kind}.sms.j2")
        body = "".join(short.blocks["body"](short.new_context(context))).strip()
    return subject, body


@dataclass(frozen=True, slots=True)
class SmsStyle:
    """What carriers require of a text: a signature first, and a length."""

    signature: str  # 【示范市】
    max_chars: int = 140

    def text(self, body: str) -> str:
        return shortened(self.signature + body, self.max_chars)


# Stands for the recipient's name while a text is rendered once for everyone who gets it.
NAME_SLOT = "\x00name\x00"
NAME_CHARS = VARIABLE_CHARS["name"]
# What else a text may say of its recipient: the key areas of their post, admonition.
POINTED_WORDING = frozenset({"key_areas", "admonition"})


@cache
def pointed(kind: str, lang: str, channel: str) -> bool:
    """Whether this kind of message, on this channel, can say the pointed wording: read from
    its templates, as a designer may add it to any of them. Session invitations and reminders
    do not say it, and rendering them once per session, not once per session and wording,
    spared 22,000 of a province's 27,000 renders."""
    names = [f"messages/{lang}/{kind}.txt.j2"]
    if channel == Channel.sms:
        names.append(f"messages/{lang}/{kind}.sms.j2")
    env = environment()
    assert env.loader is not None
    return any(says_pointed_wording(env, env.loader.get_source(env, name)[0]) for name in names)


def says_pointed_wording(env: Environment, source: str) -> bool:
    """Whether a template refers to the pointed wording, itself or in a template it includes,
    imports or extends (one named by an expression, or not found, is taken to, unread)."""
    tree = env.parse(source)
    if POINTED_WORDING & meta.find_undeclared_variables(tree):
        return True
    for name in meta.find_referenced_templates(tree):
        if name is None or env.loader is None:
            return True
        try:
            included = env.loader.get_source(env, name)[0]
        except TemplateNotFound:
            return True
        if says_pointed_wording(env, included):
            return True
    return False


# A message for someone no channel reaches, sent to the organiser to pass on.
RELAY = {
    "zh": ("【请转告】", "{name}（{id}）无手机和邮箱，请将以下通知当面转告本人。\n\n"),
    "en": ("[Please pass on] ", "{name} ({id}) has no phone or e-mail: please tell them.\n\n"),
}


def passed_on(who: Recipient, address: str, lang: str, subject: str, body: str) -> tuple[str, str]:
    """A message as it goes out: to someone no channel reaches, through the organiser, asked
    to pass it on; to anyone else, as it is."""
    if not who.relayed(address):
        return subject, body
    ask, line = RELAY[lang]
    return ask + subject, line.format(name=who.name, id=who.employee_id) + body


class Composer:
    """Outbox rows for planned messages, each distinct text rendered once.

    Everything in a message but the recipient's name is shared by everyone invited to the same
    session or reminded of the same holiday: render that once and put each name in, instead of
    running the template half a million times for a province.
    """

    def __init__(
        self,
        *,
        quarter: Quarter,
        lang: str,
        organisation: str,
        programmes: Mapping[str, ProgrammeRule],
        cards: Mapping[str, Path],  # holiday → its greeting card
        sms: SmsStyle,
    ) -> None:
        self.quarter, self.lang, self.organisation = quarter, lang, organisation
        self.programmes, self.cards, self.sms = programmes, cards, sms
        self._texts: dict[tuple[str | bool, ...], tuple[str, str]] = {}
        self._params: dict[tuple[str | bool, ...], dict[str, str]] = {}

    def row(
        self,
        planned: PlannedMessage,
        status: MessageStatus = MessageStatus.queued,
        last_error: str | None = None,
    ) -> OutboxRow:
        """A planned message as an outbox row; every row names the same columns, as they are
        inserted many at a time."""
        holiday, session = planned.holiday, planned.session
        occasion = ""
        if session is not None:
            occasion = session.code
        elif holiday is not None:
            occasion = card_key(holiday)
        who = planned.recipient
        # str() of a StrEnum is its word, read in C: `.value` is a Python property, and this
        # runs for each of half a million messages
        kind, channel = str(planned.kind), str(planned.channel)
        key: tuple[str | bool, ...] = (kind, occasion, channel)
        if pointed(kind, self.lang, channel):
            key += (who.key_areas, who.admonition)
        if key not in self._texts:
            context = self._context(planned)
            self._texts[key] = render_message(kind, self.lang, context, channel=channel)
            self._params[key] = template_params(kind, context, self.lang)
        subject, body = self._texts[key]
        subject, body = subject.replace(NAME_SLOT, who.name), body.replace(NAME_SLOT, who.name)
        subject, body = passed_on(who, planned.address, self.lang, subject, body)
        params = None
        if channel == Channel.sms:
            body = self.sms.text(body)
            params = as_stored(self._params[key] | {"name": shortened(who.name, NAME_CHARS)})
        attachment = self.cards.get(occasion) if holiday and channel == Channel.email else None
        return {
            "send_key": planned.send_key,
            "quarter": self.quarter.label,
            "kind": kind,
            "channel": channel,
            "recipient": planned.address,
            "employee_id": planned.recipient.employee_id,
            "subject": subject,
            "body": body,
            "attachment": str(attachment) if attachment else None,
            "due_on": planned.due_on,
            "expires_on": planned.expires_on,
            "status": status,
            "last_error": last_error,
            "params": params,
        }

    def _context(self, planned: PlannedMessage) -> dict[str, Any]:
        context: dict[str, Any] = {
            "name": NAME_SLOT,
            "organisation": self.organisation,
            "key_areas": planned.recipient.key_areas,
            "admonition": planned.recipient.admonition,
        }
        if planned.holiday is not None:
            holiday = planned.holiday
            context |= {
                "holiday": name_in(holiday, self.lang),
                "start": holiday.first_day,
                # no official notice yet: the dates are an estimate, not printed as fact
                "estimated": holiday.estimated,
            }
        if planned.session is not None:
            session = planned.session
            programme = self.programmes[session.programme_code]
            name, minutes = name_in(programme, self.lang), programme.duration_minutes
            context |= {
                "programme": name,
                "session_code": session.code,
                "held_on": session.held_on,
                "starts_at": session.starts_at,
                "ends_at": ends_at(session.starts_at, minutes),
                "venue": session.venue,
            }
        return context


def card_key(holiday: HolidayBreak) -> str:
    """Which greeting card a holiday's reminders attach: one per holiday and first day."""
    return holiday.key + holiday.first_day.isoformat()


@dataclass(slots=True)
class Queueing:
    """Outbox rows for the planned messages the outbox does not know yet, counted as they
    stream past; a cancelled one planned again (a cadre back on the roster) is noted apart.
    A confidential programme's message to an address others share is held, never sent."""

    composer: Composer
    known: Mapping[str, str]  # send key → status of every message of the quarter
    shared: dict[str, list[str]]
    secret: frozenset[str]  # the confidential programmes
    counts: Counter[str] = field(default_factory=Counter)
    planned_again: list[str] = field(default_factory=list)

    def rows(self, planned: Iterable[PlannedMessage]) -> Iterator[OutboxRow]:
        for message in planned:
            status = self.known.get(message.send_key)
            if status is None:
                kind = str(message.kind)
                self.counts[kind] += 1
                session = message.session
                secret = session is not None and session.programme_code in self.secret
                held = held_because(
                    confidential=secret,
                    address=message.address,
                    relayed=message.recipient.relayed(message.address),
                    shared=self.shared,
                )
                status = MessageStatus.held if held else MessageStatus.queued
                yield self.composer.row(message, status, held)
            elif status == MessageStatus.cancelled:
                self.planned_again.append(message.send_key)

    def notice_rows(self, notices: Iterable[PlannedMessage]) -> Iterator[OutboxRow]:
        """Notices of changed places: queued, whatever they say."""
        for notice in notices:
            yield self.composer.row(notice)  # queued, whatever it says
