"""What the confidential admonition list shows: who, why, and where each one stands."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.domain import MessageStatus, Track
from policy.confidentiality import confidential_codes
from policy.progress import Standing, TrackStanding
from reports.view import QuarterView
from reports.wording import long_day, short_day


@dataclass
class ConfidentialPart:
    """The admonition list over some of the units: its rows, in unit order, and their counts."""

    rows: list[dict[str, Any]]
    kinds: Counter[str]
    standings: Counter[TrackStanding]


def confidential_report(
    view: QuarterView, parts: list[ConfidentialPart] | None = None
) -> dict[str, Any]:
    """The admonition list for the discipline inspection body: who, why, where each stands.

    `parts` are the list over every unit, a part at a time, in unit order; without them, the
    view's own.
    """
    t = view.labels
    parts = [confidential_part(view)] if parts is None else parts
    kinds = sum((part.kinds for part in parts), Counter[str]())
    standings = sum((part.standings for part in parts), Counter[TrackStanding]())
    rows = [row for part in parts for row in part.rows]
    return {
        **view.header(),
        "t": t,
        "rows": rows,
        "total": len(rows),
        "by_kind": t["list_separator"].join(
            f"{kind} {count}" for kind, count in sorted(kinds.items(), key=lambda i: (-i[1], i[0]))
        ),
        "by_standing": [
            (t["admonition_totals"][state], standings[state])
            for state in TrackStanding
            if standings[state]
        ],
    }


def confidential_part(view: QuarterView) -> ConfidentialPart:
    """The admonition list over the units of the view."""
    t = view.labels
    today = view.today
    secret = confidential_codes(view.data.programmes)
    rows = []
    kinds: Counter[str] = Counter()
    standings: Counter[TrackStanding] = Counter()
    # Counted once for everyone: per cadre, a scan of the quarter's messages took minutes.
    held_by: Counter[str] = Counter()
    for (who, _, status), n in view.data.messages.items():
        if status == MessageStatus.held and who is not None:
            held_by[who] += n
    for cadre in sorted(view.data.cadres, key=lambda c: (c.unit_code, c.employee_id)):
        placed = view.data.tracks.get(cadre.employee_id, {}).get(Track.admonition)
        if placed is None:
            continue
        kind = cadre.discipline_kind or t["discipline_names"][cadre.discipline_status.value]
        state, on = _admonition_standing(view, cadre.employee_id, secret, today)
        held = held_by[cadre.employee_id]
        kinds[kind] += 1
        standings[state] += 1
        rows.append(
            {
                "employee_id": cadre.employee_id,
                "name": cadre.name,
                "post": cadre.post,
                "unit": view.data.units.get(cadre.unit_code, cadre.unit_code),
                "discipline": kind,
                "since": long_day(cadre.discipline_on, view.lang) if cadre.discipline_on else "",
                "reason": view.why(placed),
                "standing": t["admonition_standings"][state].format(date=on or ""),
                "held": t["held_messages"].format(count=held) if held else "",
            }
        )
    return ConfidentialPart(rows, kinds, standings)


def _admonition_standing(
    view: QuarterView, who: str, secret: frozenset[str], today: date
) -> tuple[TrackStanding, str | None]:
    """Where they stand on the track, with the day it names: scheduled (its day) or overdue
    (since its day)."""
    required = [r for r in view.required_of[who] if r.track is Track.admonition]
    states = {view.standing_of(r) for r in required}
    if required and states == {Standing.complete}:
        return TrackStanding.complete, None
    if Standing.excused in states:
        return TrackStanding.excused, None
    days = sorted(
        view.held_on[code]
        for code in view.sessions_of[who]
        if code in view.held_on and view.session_programme[code] in secret
    )
    if not days:
        return TrackStanding.unplaced, None
    ahead = [d for d in days if d >= today]
    if ahead:
        return TrackStanding.scheduled, short_day(ahead[0], view.lang)
    return TrackStanding.overdue, short_day(days[-1], view.lang)
