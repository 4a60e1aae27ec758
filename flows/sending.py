"""One claimed message through its channel: marked the moment the channel takes it, else kept
with the reason and retried later. A text message goes along its reader's routes
(flows.texting)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session

from core.domain import Channel
from delivery.channels import DeliveryError, Outgoing, Sender
from flows.common import RunSettings, log
from flows.outgoing import attachment_of, workbook_beside
from flows.texting import TextSending
from models.db import utcnow
from models.outbox import claim, mark_failed, mark_sent
from models.tables import Message
from policy.confidentiality import Hidden, opaque_reference
from reports.invites import CalendarEntries

# What can become of a message in a dispatch, as its counts say.
OUTCOMES = ("sent", "accepted", "delivered", "waiting", "failed", "skipped")


@dataclass(frozen=True)
class Sending:
    """One claimed message through its channel: marked sent the moment the channel accepts
    it, else failed with the reason and retried later."""

    run: RunSettings
    channel: Sender
    entries: CalendarEntries
    hidden: Hidden
    texting: TextSending | None = None  # text messages' routes, when more than the gateway
    errors: Counter[str] = field(default_factory=Counter)  # why messages failed, for the log

    def claimed_and_sent(self, session: Session, message_id: int) -> str:
        message = claim(session=session, message_id=message_id, now=utcnow())
        if message is None:
            return "skipped"  # another dispatch took it, or it was sent meanwhile
        return self.send(session, message)

    def send(self, session: Session, message: Message) -> str:
        # Outside the database a confidential message goes by an opaque name.
        key = message.send_key
        shown_as = opaque_reference(key) if self.hidden.in_send_key(key) else key
        try:
            attachment = attachment_of(message, self.run)
            outgoing = Outgoing(
                key,
                message.recipient,
                message.subject,
                message.body,
                attachment,
                self.entries.of(key) if message.channel == Channel.email else None,
                also=workbook_beside(message, attachment),
                reference=shown_as,
            )
            if self.texting is not None and message.channel == Channel.sms:
                return self.texting.send(session, message, outgoing)
            self.channel.send(outgoing)
        except DeliveryError as error:
            mark_failed(session=session, message=message, error=str(error), now=utcnow())
            self.errors[str(error)] += 1
            return "failed"
        except Exception as error:
            # A message that cannot be composed (a card gone, a broken template) is kept with
            # its error and retried; the others, and the other channel, go on.
            problem = f"could not be composed: {type(error).__name__}: {error}"
            mark_failed(session=session, message=message, error=problem, now=utcnow())
            log().warning("%s %s", shown_as, problem)
            return "failed"
        mark_sent(session=session, message=message, now=utcnow())
        return "sent"
