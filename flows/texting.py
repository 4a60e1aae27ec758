"""Text messages by their routes: a work notice where the reader has the app, a template SMS
or the gateway where not; the providers' limits kept, and their receipts read back."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.domain import MessageStatus, Route
from core.settings import Settings
from delivery.channels import (
    DeliveryError,
    Handed,
    Outgoing,
    Pending,
    Receipts,
    Sender,
    UnknownRecipient,
)
from flows.common import log, working_calendar
from flows.outgoing import open_route
from models.db import utcnow
from models.tables import Message
from models.text_routes import (
    awaiting_receipt,
    defer,
    delivered,
    mark_handed,
    move_on,
    no_route_left,
    readers,
    went_by,
)
from policy.config import load_policy
from policy.send_limits import Wait, Went, wait_for
from policy.texts import Reachable, Texts, routes_for

# A minute's limit is waited out in place; a day's waits for the next working day.
LONGEST_WAIT = timedelta(minutes=2)


class Clock(Protocol):
    def now(self) -> datetime: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return utcnow()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass
class TextRoutes:
    """The routes set up here, each opened when first used, and what went by each lately."""

    config: Settings
    texts: Texts
    clock: Clock
    next_working_day: Callable[[date], date]
    set_up: list[Route]  # the settings' text routes, read once for the run
    senders: dict[Route, Sender] = field(default_factory=dict)
    # By route, then by reader: a day's texts are checked one by one against their reader's
    # own, not against everything a route carried (a province's quarter sends 275,000).
    history: dict[Route, dict[str, list[Went]]] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return self.config.zone

    def sender(self, route: Route) -> Sender:
        if route not in self.senders:
            self.senders[route] = open_route(route, self.config)
        return self.senders[route]

    def went(self, session: Session, route: Route, person: str) -> list[Went]:
        """What went lately by a route to one reader."""
        if route not in self.history:
            since = self.clock.now() - timedelta(days=2)
            by_person: dict[str, list[Went]] = defaultdict(list)
            for row in went_by(session=session, route=route, since=since):
                by_person[row[0]].append(Went(*row))
            self.history[route] = by_person
        return self.history[route][person]

    def close(self) -> None:
        for sender in self.senders.values():
            sender.close()

    def routes_of(self, message: Message, reader: Reachable) -> list[tuple[Route, str]]:
        return routes_for(message.kind, self.texts, self.set_up, reader)

    def waited(self, session: Session, route: Route, message: Message) -> Wait | None:
        """Keep to the route's limits: a minute's wait is slept; a day's is returned."""
        while True:
            text = Went(message.recipient, str(message.kind), message.body, self.clock.now())
            theirs = self.went(session, route, message.recipient)
            wait = wait_for(self.texts.limit(route), theirs, text, self.zone)
            if wait is None or wait.until is None or wait.until - text.at > LONGEST_WAIT:
                return wait
            log().info("waiting %s s for %s's limit: %s", _seconds(wait, text), route, wait.why)
            self.clock.sleep(_seconds(wait, text))

    def waits_until(self) -> datetime:
        """The start of the next working day, in the organisation's zone."""
        today = self.clock.now().astimezone(self.zone).date()
        day = self.next_working_day(today + timedelta(days=1))
        # Stored in UTC, as every moment in the outbox (SQLite keeps no zone).
        return datetime(day.year, day.month, day.day, tzinfo=self.zone).astimezone(UTC)


# The clock text messages are sent by: tests put a fake one in to live a minute's limit.
CLOCK: Clock = SystemClock()


def text_routes(config: Settings) -> TextRoutes | None:
    """The routes set up here, or None when text messages have only the gateway (or the file
    outbox): then they go as they always went."""
    set_up = config.text_routes
    if set_up == [Route.sms_gateway]:
        return None
    texts = load_policy(config.policy).policy.texts
    today = CLOCK.now().astimezone(config.zone).date()
    calendar = working_calendar(config, today, today + timedelta(days=40))
    return TextRoutes(config, texts, CLOCK, calendar.next_working_day, set_up)


def text_readers(session: Session, ids: list[int]) -> dict[int, Reachable]:
    """Where the readers of these messages can be reached."""
    return {i: Reachable(*reader) for i, reader in readers(session=session, ids=ids).items()}


def _seconds(wait: Wait, text: Went) -> float:
    assert wait.until is not None
    return max((wait.until - text.at).total_seconds(), 0.0)


@dataclass(frozen=True)
class TextSending:
    """One claimed text message along its reader's routes: on to the next route when a
    provider does not know the account, waiting when a limit says so."""

    routes: TextRoutes
    readers: dict[int, Reachable]
    taken: Counter[str] = field(default_factory=Counter)  # by route, for the run's log

    def send(self, session: Session, message: Message, outgoing: Outgoing) -> str:
        """The message's outcome: sent, accepted, delivered, waiting; a DeliveryError is
        the caller's (kept, retried later)."""
        assert message.id is not None
        reader = self.readers.get(message.id, Reachable(message.recipient))
        ways = self.routes.routes_of(message, reader)
        if not ways:
            # Kept and retried, not given up: the operator may yet set a route up (doctor).
            raise DeliveryError(
                "no route set up reaches them: no work-app account here, and no SMS cloud "
                f"holding an approved template for {message.kind} (lianjie doctor)"
            )
        index = message.route_index
        while True:
            if index >= len(ways):
                no_route_left(session=session, message_id=message.id)
                return "failed"
            route, address = ways[index]
            wait = self.routes.waited(session, route, message)
            if wait is not None:
                until = self.routes.waits_until()
                defer(session=session, message=message, until=until, why=f"{route}: {wait.why}")
                return "waiting"
            try:
                handed = self.routes.sender(route).send(self._on(route, address, message, outgoing))
            except UnknownRecipient as error:
                # The log names the message, not the reader: the error (with the account) is
                # kept on the message, which only its readers see.
                log().info("%s: %s does not know the reader; next route", outgoing.shown_as, route)
                move_on(session=session, message_id=message.id, why=str(error))
                index += 1
                continue
            self.taken[route] += 1
            return self._handed(session, message, route, handed)

    def _on(self, route: Route, address: str, message: Message, outgoing: Outgoing) -> Outgoing:
        template = self.routes.texts.templates.get(message.kind)
        params: dict[str, str] = json.loads(message.params) if message.params else {}
        code = template.code(route) if template is not None else None
        ordered = tuple((v, params.get(v, "")) for v in template.variables) if template else ()
        return Outgoing(
            outgoing.send_key,
            address,
            outgoing.subject,
            outgoing.body,
            reference=outgoing.reference,
            template=code or "",
            params=ordered if code else (),
        )

    def _handed(
        self, session: Session, message: Message, route: Route, handed: Handed | None
    ) -> str:
        now = self.routes.clock.now()
        status = MessageStatus.sent
        if handed is not None:
            status = MessageStatus.delivered if handed.delivered else MessageStatus.accepted
        reference = handed.reference if handed is not None else None
        mark_handed(
            session=session,
            message=message,
            route=route,
            status=status,
            reference=reference,
            now=now,
        )
        self.routes.went(session, route, message.recipient).append(
            Went(message.recipient, str(message.kind), message.body, now)
        )
        return str(status)


def read_receipts(session: Session, routes: TextRoutes) -> dict[str, int]:
    """Ask each provider that sends receipts what became of what it took: delivered, or on to
    the reader's next route."""
    counts = {"delivered": 0, "not_delivered": 0, "awaiting": 0}
    for route in set(Route) - set(routes.set_up):
        stranded = awaiting_receipt(session=session, route=route)
        if stranded:
            counts["awaiting"] += len(stranded)
            log().warning(
                "%d text messages %s took await its receipt, but %s is no longer set up: "
                "set it up again to learn whether they were delivered",
                len(stranded),
                route,
                route,
            )
    for route in routes.set_up:
        waiting = awaiting_receipt(session=session, route=route)
        sender = routes.sender(route) if waiting else None
        if not waiting or not isinstance(sender, Receipts):
            continue
        pending = {
            ref: (i, Pending(ref, address, _day(at, routes.zone)))
            for i, ref, address, at in waiting
        }
        answers = sender.receipts([p for _, p in pending.values()])
        for ref, (message_id, _) in pending.items():
            if ref not in answers:
                counts["awaiting"] += 1
            elif answers[ref]:
                delivered(session=session, message_id=message_id)
                counts["delivered"] += 1
            else:
                why = f"{route} says it was not delivered"
                move_on(session=session, message_id=message_id, why=why)
                counts["not_delivered"] += 1
    return counts


def _day(at: datetime | None, zone: ZoneInfo) -> str:
    return (at or utcnow()).astimezone(zone).strftime("%Y%m%d")
