"""The message outbox: planned once by send key, claimed before sending, marked after."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import cache
from sys import intern
from typing import TypedDict

from sqlalchemy import Table, Update, bindparam, or_, update
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from core.domain import MessageKind, MessageStatus, Quarter
from core.send_keys import sheet_of
from models.bulk import insert_new
from models.db import streamed
from models.tables import Message

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=10)
# A claim older than this belongs to a dispatch that crashed: its one message may go again.
CLAIM_TIMEOUT = timedelta(minutes=15)
PENDING = (MessageStatus.queued, MessageStatus.retrying)


class OutboxRow(TypedDict):
    """A message as it goes into the outbox. A plain dict, typed: half a million are built in
    a province's quarter and inserted many at a time, so every row names every column."""

    send_key: str  # built by core.send_keys only
    quarter: str
    kind: str  # a MessageKind
    channel: str  # a Channel
    recipient: str
    employee_id: str | None
    subject: str
    body: str
    attachment: str | None
    due_on: date
    expires_on: date | None
    status: str  # a MessageStatus: queued, or held with the reason in last_error
    last_error: str | None
    params: str | None  # a text message's template parameters (JSON); None for e-mail


def add_messages(*, session: Session, rows: Iterable[OutboxRow]) -> int:
    """Put messages in the outbox; a send key already there is left alone."""
    return insert_new(session, Message, rows, conflict_columns=["send_key"])


def cancel_messages(*, session: Session, prefixes: list[str]) -> int:
    """Cancel unsent messages whose send key starts with one of the prefixes (withdrawn people)."""
    cancelled = 0
    for prefix in prefixes:
        result = session.execute(
            update(Message)
            .where(col(Message.send_key).startswith(prefix), col(Message.status).in_(PENDING))
            .values(status=MessageStatus.cancelled)
        )
        cancelled += result.rowcount or 0  # type: ignore[attr-defined]
    return cancelled


def cancel_messages_to(*, session: Session, quarter: Quarter, employee_ids: Iterable[str]) -> int:
    """Cancel every unsent message of the quarter to these people, whatever its kind (leavers)."""
    cancelled = 0
    for chunk in _chunks(sorted(set(employee_ids))):
        result = session.execute(
            update(Message)
            .where(
                col(Message.quarter) == quarter.label,
                col(Message.employee_id).in_(chunk),
                col(Message.status).in_([*PENDING, MessageStatus.held]),
            )
            .values(status=MessageStatus.cancelled)
        )
        cancelled += result.rowcount or 0  # type: ignore[attr-defined]
    return cancelled


def requeue_cancelled(*, session: Session, send_keys: Iterable[str], on: date) -> list[str]:
    """Queue again the cancelled messages planned anew (a cadre back on the roster), unless
    their occasion has passed; the send keys queued again."""
    requeued: list[str] = []
    for chunk in _chunks(sorted(set(send_keys))):
        result = session.execute(
            update(Message)
            .where(
                col(Message.send_key).in_(chunk),
                col(Message.status) == MessageStatus.cancelled,
                or_(col(Message.expires_on).is_(None), col(Message.expires_on) >= on),
            )
            .values(status=MessageStatus.queued, attempts=0, last_error=None, next_attempt_at=None)
            .returning(col(Message.send_key))
        )
        requeued += result.scalars()
    return requeued


def message_statuses(*, session: Session, quarter: Quarter) -> dict[str, str]:
    """Send key → status of every message of the quarter: what is planned, and what was
    cancelled (planned again only for a returner)."""
    everything = select(Message.send_key, Message.status).where(Message.quarter == quarter.label)
    return _by_send_key(session, everything)


def _by_send_key(session: Session, statuses: Executable) -> dict[str, str]:
    # A handful of status words, each held once: a province's five million messages would
    # otherwise keep five million copies of "queued".
    return {send_key: intern(status) for send_key, status in streamed(session, statuses)}


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    # Bounded IN lists: SQLite allows some 32,000 parameters per statement.
    for start in range(0, len(values), size):
        yield values[start : start + size]


def expire_messages(*, session: Session, on: date) -> int:
    """Holiday and session messages are pointless once their occasion has begun."""
    result = session.execute(
        update(Message)
        .where(col(Message.status).in_(PENDING), col(Message.expires_on) < on)
        .values(status=MessageStatus.expired)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def due_message_ids(
    *,
    session: Session,
    on: date,
    now: datetime,
    channel: str,
    occasion_before: date | None = None,
) -> list[int]:
    """Messages due on or before `on` and not yet sent (catching up after downtime); with
    `occasion_before`, only those whose occasion comes before that day (a day off's run)."""
    stale = now - CLAIM_TIMEOUT
    query = select(col(Message.id)).where(Message.channel == channel, col(Message.due_on) <= on)
    if occasion_before is not None:
        query = query.where(col(Message.expires_on) < occasion_before)
    ids = session.exec(
        query.where(
            or_(
                col(Message.status).in_(PENDING)
                & or_(col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now),
                (col(Message.status) == MessageStatus.sending)
                & (col(Message.next_attempt_at) <= stale),
            )
        ).order_by(col(Message.due_on), col(Message.id))
    )
    return [i for i in ids if i is not None]


def due_messages(*, session: Session, ids: list[int]) -> Iterator[Message]:
    """The messages of these ids, in the order given, read a chunk at a time."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = {m.id: m for m in session.exec(select(Message).where(col(Message.id).in_(chunk)))}
        yield from (found[i] for i in chunk if i in found)


def claim(*, session: Session, message_id: int, now: datetime) -> Message | None:
    """Take a message for sending; None when another dispatch has it or it was sent meanwhile."""
    # One statement takes the message and returns it, committed before anything is sent.
    row = session.execute(
        _claim_statement(), {"message_id": message_id, "now": now, "stale": now - CLAIM_TIMEOUT}
    ).one_or_none()
    session.commit()
    return Message.model_validate(row._mapping) if row is not None else None


def mark_sent(*, session: Session, message: Message, now: datetime) -> None:
    """Record that the channel accepted the message; committed at once."""
    _set(session, message, status=MessageStatus.sent, sent_at=now, last_error=None)


def mark_failed(*, session: Session, message: Message, error: str, now: datetime) -> None:
    """Keep the error; retry later with back-off, or give up after MAX_ATTEMPTS."""
    if message.attempts >= MAX_ATTEMPTS:
        _set(session, message, status=MessageStatus.failed, next_attempt_at=None, last_error=error)
    else:
        retry_at = now + FIRST_RETRY * 2 ** (message.attempts - 1)
        _set(
            session,
            message,
            status=MessageStatus.retrying,
            next_attempt_at=retry_at,
            last_error=error,
        )


def _set(session: Session, message: Message, **values: object) -> None:
    # The prepared statement sets every column it names: those not given are cleared.
    cleared = {"sent_at": None, "next_attempt_at": None}
    session.execute(_update_statement(), {"message_id": message.id, **cleared, **values})
    session.commit()


# Dispatch runs these once per message: built once, executed with parameters, they cost a
# fraction of composing the same statement anew each time.
@cache
def _claim_statement() -> Update:
    table = _table()
    return (
        update(table)
        .where(table.c.id == bindparam("message_id"))
        .where(
            or_(
                table.c.status.in_(PENDING),
                (table.c.status == MessageStatus.sending)
                & (table.c.next_attempt_at <= bindparam("stale")),
            )
        )
        .values(
            status=MessageStatus.sending,
            next_attempt_at=bindparam("now"),
            attempts=table.c.attempts + 1,
        )
        .returning(*table.c)
    )


@cache
def _update_statement() -> Update:
    table = _table()
    return (
        update(table)
        .where(table.c.id == bindparam("message_id"))
        .values(
            status=bindparam("status"),
            sent_at=bindparam("sent_at"),
            next_attempt_at=bindparam("next_attempt_at"),
            last_error=bindparam("last_error"),
        )
    )


def _table() -> Table:
    return Message.__table__  # type: ignore[attr-defined, no-any-return]


def quarter_messages(*, session: Session, quarter: Quarter) -> list[Message]:
    """The quarter's outbox in due order."""
    return list(
        session.exec(
            select(Message)
            .where(Message.quarter == quarter.label)
            .order_by(col(Message.due_on), col(Message.send_key))
        )
    )


def sheet_versions_sent(*, session: Session, codes: list[str]) -> dict[str, dict[str, int]]:
    """Per session, the sheet versions already queued: people key → version."""
    found: dict[str, dict[str, int]] = {}
    keys = session.exec(
        select(Message.send_key).where(col(Message.kind) == MessageKind.sign_in_sheet)
    )
    for key in keys:
        code, version, people = sheet_of(key)
        if code in codes:
            found.setdefault(code, {})[people] = version
    return found
