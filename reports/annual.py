"""The year across its four quarters: for the annual report on duties and integrity (述责述廉)
and the appraisal. Pure: it reads the quarters' data, computed as each stood."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from core.domain import REACHED, MessageStatus, Quarter, Track, name_in
from models.facts import QuarterData
from policy.calendar import HolidayBreak
from policy.progress import Requirement, Standing
from reports.annual_talks import year_talks
from reports.charts import trend_chart
from reports.tally import Tally, tally
from reports.view import CONFIDENTIAL_TRACKS
from reports.wording import long_day, moment_text, quarter_in_year

# The holiday table counts these apart; every other state is "other" (queued, held, accepted
# by a provider whose receipt is still to come, …).
SHOWN = (*REACHED, MessageStatus.failed, MessageStatus.expired)


@dataclass(frozen=True)
class QuarterStanding:
    """A quarter of the year with its requirements and where each stood on `day`."""

    data: QuarterData
    requirements: list[Requirement]
    standing: dict[tuple[str, str], Standing]
    day: date  # the quarter's end, or the report's day for the quarter still running


def year_report(
    year: int,
    quarters: list[QuarterStanding],
    *,
    labels: dict[str, Any],
    organisation: str,
    as_of: datetime,
    holidays: list[HolidayBreak],
) -> dict[str, Any]:
    """Rates per quarter and track, each unit across the quarters, people overdue in two or
    more quarters, key-area units and the reminders sent around each holiday."""
    lang = "zh" if labels["lang_tag"].startswith("zh") else "en"
    shown = [q.data.quarter for q in quarters]
    per_quarter = {q.data.quarter: _tallies(q) for q in quarters}
    units: dict[str, str] = {}
    for q in quarters:
        units |= q.data.units
    overall = {quarter: t["overall"] for quarter, t in per_quarter.items()}
    year_total = sum(overall.values(), Tally())
    track_rows = [
        {
            "name": labels["track_names"][track.value],
            "cells": [per_quarter[quarter]["tracks"].get(track, Tally()) for quarter in shown],
            "year": sum(
                (per_quarter[quarter]["tracks"].get(track, Tally()) for quarter in shown), Tally()
            ),
        }
        for track in Track
        if any(track in per_quarter[quarter]["tracks"] for quarter in shown)
    ]
    unit_codes = sorted({code for t in per_quarter.values() for code in t["units"]})
    unit_rows = [
        {
            "code": code,
            "name": units.get(code, code),
            "cells": [per_quarter[quarter]["units"].get(code) for quarter in shown],
            "year": sum(
                (per_quarter[quarter]["units"].get(code, Tally()) for quarter in shown), Tally()
            ),
        }
        for code in unit_codes
    ]
    key_rows = [
        {
            "code": code,
            "name": units.get(code, code),
            "cells": [per_quarter[quarter]["key_units"].get(code) for quarter in shown],
            "year": sum(
                (per_quarter[quarter]["key_units"].get(code, Tally()) for quarter in shown),
                Tally(),
            ),
        }
        for code in sorted({c for t in per_quarter.values() for c in t["key_units"]})
    ]
    return {
        "t": labels,
        "organisation": organisation,
        "year": year,
        "quarters": [quarter_in_year(quarter, lang) for quarter in shown],
        "quarters_without_data": labels["list_separator"].join(
            quarter_in_year(quarter, lang) for quarter in _before_without_data(year, shown)
        ),
        "as_of": moment_text(as_of, lang),
        "generated_at": moment_text(datetime.now(as_of.tzinfo), lang),
        "standings": [(s.value, labels["standing_names"][s.value]) for s in Standing],
        "overall": [overall[quarter] for quarter in shown],
        "year_total": year_total,
        "trend": trend_chart(
            [(quarter_in_year(quarter, lang), overall[quarter]) for quarter in shown]
        ),
        "track_rows": track_rows,
        "unit_rows": unit_rows,
        "key_rows": key_rows,
        "repeatedly_overdue": _repeatedly_overdue(quarters, units, labels["list_separator"], lang),
        "holidays": _reminders_by_holiday(quarters, holidays, lang),
        "talks": year_talks([q.data for q in quarters], on=as_of.date(), labels=labels),
    }


def _before_without_data(year: int, shown: list[Quarter]) -> list[Quarter]:
    """The year's quarters before its last one with data that have none (no cycle was run)."""
    last = max((quarter.number for quarter in shown), default=0)
    return [Quarter(year, n) for n in range(1, last) if Quarter(year, n) not in shown]


def _tallies(q: QuarterStanding) -> dict[str, Any]:
    """A quarter's figures. The admonition track is in none of them, not even the totals: a
    rate or an overdue count that moved with it would tell a reader who is on it."""
    unit_of = {c.employee_id: c.unit_code for c in q.data.cadres}
    by_unit: dict[str, list[Standing]] = defaultdict(list)
    by_track: dict[Track, list[Standing]] = defaultdict(list)
    key_units: dict[str, list[Standing]] = defaultdict(list)
    shown = [r for r in q.requirements if r.track not in CONFIDENTIAL_TRACKS]
    for r in shown:
        state = q.standing[(r.employee_id, r.programme_code)]
        unit = unit_of[r.employee_id]
        by_unit[unit].append(state)
        by_track[r.track].append(state)
        if r.track is Track.key_area:
            key_units[unit].append(state)
    return {
        "overall": tally(q.standing[(r.employee_id, r.programme_code)] for r in shown),
        "units": {code: tally(states) for code, states in by_unit.items()},
        "tracks": {track: tally(states) for track, states in by_track.items()},
        "key_units": {code: tally(states) for code, states in key_units.items()},
    }


NOT_DONE = {Standing.overdue, Standing.failed, Standing.excused}


def _repeatedly_overdue(
    quarters: list[QuarterStanding], units: dict[str, str], separator: str, lang: str
) -> list[dict[str, Any]]:
    """People who ended two or more quarters with education overdue (or failed, or excused
    and not made up). The admonition track is left out: it is reported separately."""
    seen: dict[str, list[str]] = defaultdict(list)
    who: dict[str, tuple[str, str]] = {}
    for q in quarters:
        names = {c.employee_id: (c.name, c.unit_code) for c in q.data.cadres}
        late = {
            r.employee_id
            for r in q.requirements
            if r.track not in CONFIDENTIAL_TRACKS
            and q.standing[(r.employee_id, r.programme_code)] in NOT_DONE
        }
        for person in sorted(late):
            seen[person].append(quarter_in_year(q.data.quarter, lang))
            who[person] = names[person]
    return [
        {
            "employee_id": person,
            "name": who[person][0],
            "unit": units.get(who[person][1], who[person][1]),
            "quarters": separator.join(labels),
            "count": len(labels),
        }
        for person, labels in sorted(seen.items(), key=lambda i: (-len(i[1]), i[0]))
        if len(labels) >= 2
    ]


def _reminders_by_holiday(
    quarters: list[QuarterStanding], holidays: list[HolidayBreak], lang: str
) -> list[dict[str, Any]]:
    """Holiday reminders per holiday: sent, failed, expired unsent, still queued."""
    by_start = {h.first_day: h for h in holidays}
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    for q in quarters:
        for reminder in q.data.reminders:
            if reminder.expires_on is None:
                continue
            counts[reminder.expires_on + timedelta(days=1)][reminder.status] += 1
    rows = []
    for start, states in sorted(counts.items()):
        holiday = by_start.get(start)
        name = name_in(holiday, lang) if holiday else ""
        rows.append(
            {
                "holiday": name or long_day(start, lang),
                "starts": long_day(start, lang),
                "sent": sum(states[status] for status in REACHED),
                "failed": states[MessageStatus.failed],
                "expired": states[MessageStatus.expired],
                "other": sum(n for status, n in states.items() if status not in SHOWN),
            }
        )
    return rows


def quarters_of_year(year: int) -> list[Quarter]:
    return [Quarter(year, n) for n in range(1, 5)]
