"""daily-dispatch: send every message that is due, once; retry failures with back-off."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from contextlib import nullcontext
from typing import Annotated

from prefect import flow, task
from pydantic import BaseModel

from core.dispatch_counts import handed
from core.domain import Channel
from core.exceptions import LianjieInputError
from flows.artifact_tables import TableWords
from flows.common import RunSettings, expected_failures, log, settings, today, working_calendar
from flows.dispatch_artifacts import publish_dispatch, publish_preview
from flows.escalation import plan_escalations
from flows.outgoing import occasion, open_channel
from flows.parameters import UNSET, Day, given_day, titled
from flows.progress import stage
from flows.run_names import run_name
from flows.sending import OUTCOMES, Sending
from flows.stopping import finishing_first
from flows.talk_chasing import plan_talk_reminders
from flows.texting import TextSending, read_receipts, text_readers, text_routes
from models.db import rehearsal, session_for, utcnow
from models.education import confidential_programmes
from models.outbox import (
    due_message_ids,
    due_messages,
    expire_messages,
)
from policy.confidentiality import Hidden
from reports.invites import CalendarEntries


class Preview(BaseModel):
    """A message as it would go: for the operator's eyes before a dispatch."""

    channel: str
    recipient: str
    kind: str
    subject: str
    text: str


class DispatchSummary(BaseModel):
    date: dt.date
    sent: int  # handed to a channel: e-mail, the gateway, a provider
    failed: int
    skipped: int
    expired: int
    by_channel: dict[str, dict[str, int]]
    # Text messages a provider took: of them, delivered as its answer said, and waiting for a
    # provider's daily limit; and the receipts read before sending.
    accepted: int = 0
    delivered: int = 0
    waiting: int = 0
    receipts: dict[str, int] = {}
    # A dry run: what would go, per kind and channel, and the first messages as they would go.
    dry_run: bool = False
    would_send: dict[str, dict[str, int]] = {}
    preview: list[Preview] = []

    @classmethod
    def of(
        cls, on: dt.date, expired: int, by_channel: dict[str, dict[str, int]]
    ) -> DispatchSummary:
        """A day's sending, totalled over its channels."""

        def total(what: str) -> int:
            return sum(c.get(what, 0) for c in by_channel.values())

        return cls(
            date=on,
            expired=expired,
            by_channel=by_channel,
            sent=sum(handed(c)["sent"] for c in by_channel.values()),
            failed=total("failed"),
            skipped=total("skipped"),
            accepted=total("accepted"),
            delivered=total("delivered"),
            waiting=total("waiting"),
        )

    @classmethod
    def rehearsed(
        cls,
        on: dt.date,
        expired: int,
        would_send: dict[str, dict[str, int]],
        preview: list[Preview],
    ) -> DispatchSummary:
        """A dry run: nothing sent; what would go, and the first messages as they would go."""
        return cls.of(on, expired, {}).model_copy(
            update={"dry_run": True, "would_send": would_send, "preview": preview}
        )


# Safe to repeat: every message is claimed before it goes and committed as sent the moment
# its channel accepts it, so a second attempt (after a dropped database connection or a
# gateway that closed) sends only what is still due, and nothing twice.
@task(retries=2, retry_delay_seconds=30, persist_result=False)
def send_due(
    *, run: RunSettings, kind: Channel, on: dt.date, occasion_before: dt.date | None = None
) -> dict[str, int]:
    """Send one channel's due messages, committing each the moment it is taken."""
    logger = log()
    counts: Counter[str] = Counter()
    # The gateways' URLs and the providers' keys are secrets: read here, never a parameter.
    config = settings()
    channel = open_channel(kind, config)
    routes = text_routes(config) if kind == Channel.sms else None
    entries = CalendarEntries(lambda code: occasion(run.db_url, code, run.lang))
    try:
        with session_for(run.db_url) as session:
            hidden = Hidden.of(*confidential_programmes(session=session))
            due = due_message_ids(
                session=session, on=on, now=utcnow(), channel=kind, occasion_before=occasion_before
            )
            said = {Channel.email: "e-mail", Channel.sms: "text messages"}[kind]
            logger.info("due on or before %s by %s: %d", on, said, len(due))
            texting = TextSending(routes, text_readers(session, due)) if routes else None
            with stage(f"sending {said}", len(due), key=f"dispatch-{kind}-{on}") as sending:
                outgoing = Sending(run, channel, entries, hidden, texting)
                for message_id in sending.each(due):
                    with finishing_first():  # a stop waits for the message in flight
                        counts[outgoing.claimed_and_sent(session, message_id)] += 1
    finally:
        channel.close()
        if routes is not None:
            routes.close()
    if counts["failed"]:
        logger.warning(
            "%d %s messages failed; they stay queued and are retried later%s",
            counts["failed"],
            kind,
            "".join(f"\n  {n} × {why}" for why, n in outgoing.errors.most_common(3)),
        )
    if texting is not None and texting.taken:
        logger.info(
            "text messages by route: %s", ", ".join(f"{r} {n}" for r, n in texting.taken.items())
        )
    if counts["waiting"]:
        logger.info("%d wait for the next working day: a provider's daily limit", counts["waiting"])
    return {outcome: counts[outcome] for outcome in OUTCOMES}


@task(persist_result=False)
def collect_receipts(*, run: RunSettings) -> dict[str, int]:
    """What became of the text messages the providers took: delivered, or on to the next route."""
    routes = text_routes(settings())
    if routes is None:
        return {}
    try:
        with session_for(run.db_url) as session:
            counts = read_receipts(session, routes)
    finally:
        routes.close()
    log().info(
        "receipts: %d delivered, %d not delivered (sent on by the next route), %d awaited",
        counts["delivered"],
        counts["not_delivered"],
        counts["awaiting"],
    )
    return counts


def check_dispatch_date(on: dt.date, *, today: dt.date, allow_future: bool) -> None:
    """A date typed later than tomorrow is most likely a slip; it is refused unless allowed."""
    if on > today + dt.timedelta(days=1) and not allow_future:
        raise LianjieInputError(
            f"dispatch date {on} is later than tomorrow ({today + dt.timedelta(days=1)}): "
            "it would send reminders early and expire those whose holiday or session it passes. "
            "Give --allow-future (flow parameter allow_future) if that is really meant"
        )


@task(persist_result=False)
def preview_due(
    *, run: RunSettings, on: dt.date, occasion_before: dt.date | None, show: int
) -> tuple[dict[str, dict[str, int]], list[Preview]]:
    """What a dispatch would send: counts per kind and channel, and the first `show` messages."""
    counts: dict[str, Counter[str]] = {}
    shown: list[Preview] = []
    with session_for(run.db_url) as session:
        # The preview is read by an operator: the confidential programme is counted, not shown.
        hidden = Hidden.of(*confidential_programmes(session=session))
        for kind in Channel:
            ids = due_message_ids(
                session=session,
                on=on,
                now=utcnow(),
                channel=kind,
                occasion_before=occasion_before,
            )
            for message in due_messages(session=session, ids=ids):
                counts.setdefault(message.kind, Counter())[message.channel] += 1
                if len(shown) < show and not hidden.in_send_key(message.send_key):
                    shown.append(
                        Preview(
                            channel=message.channel,
                            recipient=message.recipient,
                            kind=message.kind,
                            subject=message.subject,
                            text=message.body,
                        )
                    )
    return {kind: dict(by) for kind, by in counts.items()}, shown


@task(persist_result=False)
def expire_stale(*, run: RunSettings, on: dt.date) -> int:
    """Stop messages whose occasion has begun (a holiday reminder after the holiday)."""
    with session_for(run.db_url) as session:
        return expire_messages(session=session, on=on)


@flow(name="daily-dispatch", flow_run_name=run_name("daily-dispatch"), log_prints=True)
@expected_failures
def daily_dispatch(
    date: Annotated[Day, titled("Send what is due by 发送日期")] = UNSET,
    dry_run: Annotated[bool, titled("Dry run (send nothing) 试运行")] = False,
    allow_future: Annotated[bool, titled("Allow a date after tomorrow 允许未来日期")] = False,
    show: Annotated[int, titled("Dry run: messages to show 预览条数")] = 5,
) -> DispatchSummary:
    """Send the messages due on or before a date: e-mail, text messages, or the file outbox.

    Args:
        date: Send what is due on or before this date; empty means today in the organisation's zone.
        dry_run: Show what is due without sending anything: counts per kind and channel, and
            the first messages as they would go.
        allow_future: Accept a date later than tomorrow. Without it such a date is refused: it
            would send reminders early and expire those whose occasion it passes, for good.
        show: With a dry run, how many messages to show as they would go.
    """
    config = settings()
    on = given_day(date) or today(config)
    check_dispatch_date(on, today=today(config), allow_future=allow_future)
    calendar = working_calendar(config, on, on + dt.timedelta(days=31))
    # On an official day off only what cannot wait goes: a message whose session or holiday
    # comes before the next working day. Chasing waits for a working day too.
    next_working = None if calendar.is_working_day(on) else calendar.next_working_day(on)
    if next_working is not None:
        log().info(
            "%s is an official day off: only messages whose occasion comes before the next "
            "working day (%s) are sent; nothing is chased today",
            on,
            next_working,
        )
    run = RunSettings.of(config)
    # A dry run takes the real run's own steps — expiring what has passed, planning the
    # ladder — in a transaction rolled back at the end: its preview is what the run would send.
    with rehearsal(run.db_url) if dry_run else nullcontext():
        expired = expire_stale(run=run, on=on)
        if next_working is None:
            plan_escalations(run=run, on=on)
            plan_talk_reminders(run=run, on=on)
        if dry_run:
            would_send, preview = preview_due(
                run=run, on=on, occasion_before=next_working, show=show
            )
    if dry_run:
        publish_preview(on, expired, would_send, TableWords(config.lang))
        return DispatchSummary.rehearsed(on, expired, would_send, preview)
    receipts = collect_receipts(run=run)
    by_channel: dict[str, dict[str, int]] = {
        kind: send_due(run=run, kind=kind, on=on, occasion_before=next_working) for kind in Channel
    }
    summary = DispatchSummary.of(on, expired, by_channel).model_copy(update={"receipts": receipts})
    publish_dispatch(summary, TableWords(config.lang))
    return summary
