"""A text message's way out, as the outbox keeps it: the route that took it, what its provider
answered, the receipt that came later, and what went by each route (the providers' limits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.domain import MessageStatus, Route
from models.db import stored_utc
from models.tables import Cadre, Message

WENT = (MessageStatus.sent, MessageStatus.accepted, MessageStatus.delivered)


def mark_handed(
    *,
    session: Session,
    message: Message,
    route: Route,
    status: MessageStatus,
    reference: str | None,
    now: datetime,
) -> None:
    """The route took the message: sent (no receipt to come), accepted or delivered."""
    _set(
        session,
        message.id,
        status=status,
        route=route,
        provider_ref=reference,
        sent_at=now,
        next_attempt_at=None,
        last_error=None,
    )


def move_on(*, session: Session, message_id: int | None, why: str) -> None:
    """The route cannot reach the reader (an unknown account, a receipt saying not delivered):
    the message goes to the reader's next route at the next attempt, as a new message would."""
    _set(
        session,
        message_id,
        status=MessageStatus.retrying,
        route_index=col(Message.route_index) + 1,
        next_attempt_at=None,
        attempts=0,
        last_error=why,
    )


def defer(*, session: Session, message: Message, until: datetime, why: str) -> None:
    """Not sent now because of a provider's limit: queued again for `until`, not counted as a
    failed attempt."""
    _set(
        session,
        message.id,
        status=MessageStatus.queued if message.attempts <= 1 else MessageStatus.retrying,
        attempts=max(message.attempts - 1, 0),
        next_attempt_at=until,
        last_error=f"waits: {why}",
    )


def no_route_left(*, session: Session, message_id: int | None) -> None:
    """Every route the reader has was tried: given up, with the reason."""
    why = "no route reaches them (each one they have refused the account or did not deliver)"
    _set(session, message_id, status=MessageStatus.failed, next_attempt_at=None, last_error=why)


def delivered(*, session: Session, message_id: int | None) -> None:
    _set(session, message_id, status=MessageStatus.delivered)


def went_by(
    *, session: Session, route: Route, since: datetime
) -> list[tuple[str, str, str, datetime]]:
    """What went by a route since a moment: to whom, which kind, which words, when."""
    rows = session.exec(
        select(Message.recipient, Message.kind, Message.body, Message.sent_at).where(
            Message.route == route,
            col(Message.status).in_(WENT),
            col(Message.sent_at) >= since,
        )
    )
    return [(person, str(kind), body, stored_utc(at)) for person, kind, body, at in rows if at]


def awaiting_receipt(
    *, session: Session, route: Route
) -> list[tuple[int, str, str, datetime | None]]:
    """The messages a route accepted and has not yet said it delivered: id, the provider's
    reference, the address it went to and when."""
    rows = session.exec(
        select(Message.id, Message.provider_ref, Message.recipient, Message.sent_at).where(
            Message.route == route, Message.status == MessageStatus.accepted
        )
    )
    return [
        (i, ref, address, stored_utc(at) if at else None)
        for i, ref, address, at in rows
        if i is not None and ref
    ]


Reader = tuple[str, str | None, str | None]  # the phone written on it, WeCom, DingTalk


def readers(*, session: Session, ids: Sequence[int]) -> dict[int, Reader]:
    """Where each text message's reader can be reached: the phone it is addressed to and,
    when that is the cadre's own phone on the roster, the cadre's work-app accounts."""
    found: dict[int, Reader] = {}
    cadre = and_(
        col(Cadre.quarter) == col(Message.quarter),
        col(Cadre.employee_id) == col(Message.employee_id),
    )
    for start in range(0, len(ids), 500):
        rows = session.execute(
            sa_select(
                col(Message.id),
                col(Message.recipient),
                col(Cadre.phone),
                col(Cadre.wecom_user_id),
                col(Cadre.dingtalk_user_id),
            )
            .outerjoin(Cadre, cadre)
            .where(col(Message.id).in_(ids[start : start + 500]))
        )
        for message_id, recipient, phone, wecom, dingtalk in rows:
            own = phone is not None and phone == recipient
            found[message_id] = (recipient, wecom if own else None, dingtalk if own else None)
    return found


def _set(session: Session, message_id: int | None, **values: object) -> None:
    session.execute(update(Message).where(col(Message.id) == message_id).values(**values))
    session.commit()
