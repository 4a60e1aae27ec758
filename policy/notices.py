"""Telling people when their place changes: a withdrawal notice after an invitation went out,
a new invitation after a withdrawal notice went out. Pure: decided from the outbox's states.

Every invitation (the first, and any later one) and every withdrawal notice that was sent or
is still to be sent counts; cancelled ones were never seen. A person believes they are booked
when they were invited more often than they were withdrawn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from core.domain import MessageKind, MessageStatus
from core.send_keys import (
    PLACE_PREFIXES,
    invitation_again_key,
    kind_prefix,
    place_of,
    place_prefix,
    withdrawal_key,
)

LIVE = frozenset(set(MessageStatus) - {MessageStatus.expired, MessageStatus.cancelled})
PENDING = frozenset({MessageStatus.queued, MessageStatus.retrying})

Place = tuple[str, str, str]  # session code, employee id, channel


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to queue about one place: `kind` invitation (again) or withdrawal."""

    kind: MessageKind  # invitation or withdrawal
    session_code: str
    employee_id: str
    channel: str
    number: int  # the how-many-th of its kind for this place and channel

    @property
    def send_key(self) -> str:
        if self.kind == MessageKind.invitation:
            return invitation_again_key(
                self.session_code, self.employee_id, self.channel, self.number
            )
        return withdrawal_key(self.session_code, self.employee_id, self.channel, self.number)


def places_after(known: Mapping[str, str], requeued: Iterable[str]) -> dict[str, str]:
    """Send key → status of the invitations and withdrawal notices as a planning run leaves
    them, for `place_notices`: those the outbox held before it (`known`, of every kind), with
    the cancelled ones it queued again. Worked out, not read back (a province's 235,000
    invitations were read again right after being written).

    The invitations the run queued anew are left out: each is to a place held now, and no
    withdrawal can stand against it (a withdrawal follows an invitation under the same key,
    which the outbox then knew), so none of them can call for a notice; at a million cadres
    they would be 2.3 million keys held for nothing.
    """
    places = {key: status for key, status in known.items() if key.startswith(PLACE_PREFIXES)}
    places |= dict.fromkeys(
        (key for key in requeued if key.startswith(PLACE_PREFIXES)), MessageStatus.queued
    )
    return places


def told(
    statuses: Mapping[str, str], kind: MessageKind, ahead: set[str], keep: Callable[[Place], bool]
) -> Counter[Place]:
    """(session, person, channel) → how many live messages of `kind` (invitation or withdrawal)
    about places in sessions still `ahead`, for the places `keep` answers for."""
    counts: Counter[Place] = Counter()
    prefix = kind_prefix(kind)
    for key, status in statuses.items():
        if key.startswith(prefix) and status in LIVE and (told_of := place_of(key)):
            code, who, channel = told_of.session_code, told_of.employee_id, told_of.channel
            if code in ahead and keep(place := (code, who, channel)):
                counts[place] += 1
    return counts


def place_notices(
    *,
    enrolled: Iterable[tuple[str, str]],
    ahead: set[str],
    statuses: Mapping[str, str],
) -> tuple[list[Notice], list[str]]:
    """The notices due now for sessions still `ahead` — withdrawals for places people believe
    they hold and no longer do, invitations again for places given back after a withdrawal —
    and the send keys of withdrawal notices not yet sent that a place given back makes moot."""
    places = {(code, who) for code, who in enrolled if code in ahead}
    withdrawn = told(statuses, MessageKind.withdrawal, ahead, lambda _: True)
    # Only the invitations that can call for a notice are counted: to a place withdrawn once,
    # or to one no longer held. A province's million places held and never withdrawn, counted
    # and sorted, were most of planning's memory.
    invited = told(
        statuses,
        MessageKind.invitation,
        ahead,
        lambda place: place in withdrawn or (place[0], place[1]) not in places,
    )
    notices, moot = [], []
    for code, who, channel in sorted(invited.keys() | withdrawn.keys()):
        times_invited = invited[(code, who, channel)]
        times_withdrawn = withdrawn[(code, who, channel)]
        if (code, who) in places and times_withdrawn and times_invited == times_withdrawn:
            last = Notice(MessageKind.withdrawal, code, who, channel, times_withdrawn).send_key
            if statuses.get(last) in PENDING:
                moot.append(last)  # never seen: taking it back is the whole notice
            else:
                notices.append(Notice(MessageKind.invitation, code, who, channel, times_withdrawn))
        elif (code, who) not in places and times_invited > times_withdrawn:
            notices.append(Notice(MessageKind.withdrawal, code, who, channel, times_withdrawn + 1))
    return notices, moot


def withdrawn_messages(withdrawals: Iterable[tuple[str, str]]) -> list[str]:
    """Send-key prefixes of the invitations and reminders of places taken away."""
    return [
        place_prefix(kind, code, who)
        for code, who in withdrawals
        for kind in (MessageKind.invitation, MessageKind.session_reminder)
    ]
