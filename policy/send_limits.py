"""Whether a text may go now on a route, given what went before: the providers' limits kept,
not discovered (WeCom drops, DingTalk swallows, Aliyun refuses). Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from policy.texts import RouteLimit

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Went:
    """A text that went by a route: to whom (their phone), which kind, its words, when."""

    person: str
    kind: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Wait:
    """Not now: until a moment (a minute's limit), or the next working day (a day's)."""

    why: str
    until: datetime | None = None


def wait_for(limit: RouteLimit, history: Iterable[Went], text: Went, zone: ZoneInfo) -> Wait | None:
    """None if `text` may go at its moment; else how long it waits."""
    day = text.at.astimezone(zone).date()
    theirs = [w for w in history if w.person == text.person]
    if limit.per_minute is not None:
        recent = sorted(w.at for w in theirs if text.at - w.at < MINUTE)
        if len(recent) >= limit.per_minute:
            until = recent[len(recent) - limit.per_minute] + MINUTE
            return Wait(f"{limit.per_minute} a minute to one reader", until)
    today = [w for w in theirs if w.at.astimezone(zone).date() == day]
    if limit.per_day is not None and len(today) >= limit.per_day:
        return Wait(f"{limit.per_day} a day to one reader")
    same_kind = [w for w in today if w.kind == text.kind]
    if limit.per_day_per_template is not None and len(same_kind) >= limit.per_day_per_template:
        return Wait(f"{limit.per_day_per_template} a day to one reader on one template")
    same_text = [w for w in today if w.text == text.text]
    if limit.same_text_per_day is not None and len(same_text) >= limit.same_text_per_day:
        return Wait(f"the same text {limit.same_text_per_day} a day to one reader")
    return None
