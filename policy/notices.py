"""Telling people when their place changes: a withdrawal notice after an invitation went out,
a new invitation after a withdrawal notice went out. Pure: decided from the outbox's states.

Every invitation (the first, and any later one) and every withdrawal notice that was sent or
is still to be sent counts; cancelled ones were never seen. A person believes they are booked
when they were invited more often than they were withdrawn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.domain import MessageStatus

LIVE = frozenset(set(MessageStatus) - {MessageStatus.expired, MessageStatus.cancelled})
PENDING = frozenset({MessageStatus.queued, MessageStatus.retrying})


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to queue about one place: `kind` invitation (again) or withdrawal."""

    kind: str
    session_code: str
    employee_id: str
    channel: str
    number: int  # the how-many-th of its kind for this place and channel

    @property
    def send_key(self) -> str:
        suffix = f"again{self.number}" if self.kind == "invitation" else str(self.number)
        return f"{self.kind}:{self.session_code}:{self.employee_id}:{self.channel}:{suffix}"


def told(statuses: Mapping[str, str]) -> Counter[tuple[str, str, str, str]]:
    """(kind, session, person, channel) → how many live invitations or withdrawal notices."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for key, status in statuses.items():
        kind, _, rest = key.partition(":")
        if kind in {"invitation", "withdrawal"} and status in LIVE:
            code, who, channel = rest.split(":")[:3]
            counts[(kind, code, who, channel)] += 1
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
    counts = told(statuses)
    places = {(code, who) for code, who in enrolled}
    notices, moot = [], []
    channels = {(code, who, ch) for (_, code, who, ch) in counts}
    for code, who, channel in sorted(channels):
        if code not in ahead:
            continue
        invited = counts[("invitation", code, who, channel)]
        withdrawn = counts[("withdrawal", code, who, channel)]
        if (code, who) in places and withdrawn and invited == withdrawn:
            last = Notice("withdrawal", code, who, channel, withdrawn).send_key
            if statuses.get(last) in PENDING:
                moot.append(last)  # never seen: taking it back is the whole notice
            else:
                notices.append(Notice("invitation", code, who, channel, withdrawn))
        elif (code, who) not in places and invited > withdrawn:
            notices.append(Notice("withdrawal", code, who, channel, withdrawn + 1))
    return notices, moot
