"""What the organisation summary shows: units ranked, totals per track, key-area units, the
top leaders not finished, and what the roster notes say (reports.roster_notes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.domain import LeadershipRole, Quarter, Track
from core.families import FamilyTally
from policy.progress import Standing
from reports.charts import completion_chart, trend_chart
from reports.roster_notes import rejects_shown, roster_changes
from reports.tally import Tally
from reports.view import CONFIDENTIAL_TRACKS, QuarterView
from reports.wording import quarter_text


@dataclass
class SummaryPart:
    """The summary's figures over some of the units, which add up across parts: a province's
    quarter is read a part at a time."""

    ranking: list[dict[str, Any]]
    on_roster: int
    in_scope: int
    overall: Tally
    track_rows: list[dict[str, Any]]
    key_area_units: list[KeyAreaUnit]
    key_area_units_complete: int
    unfinished_leaders: list[dict[str, Any]]
    without_makeup: list[dict[str, Any]]  # missed, no make-up booked ahead
    history: list[tuple[Quarter, Tally]]  # the earlier quarters' completion, oldest first
    families: list[dict[str, Any]] = field(default_factory=list)  # per unit: counts only


def summary_part(view: QuarterView) -> SummaryPart:
    """The summary's figures over the units of the view."""
    everyone = list(view.cadres)
    return SummaryPart(
        ranking=[
            {
                "code": code,
                "name": view.data.units.get(code, code),
                "cadres": view.in_scope(c.employee_id for c in members),
                "tally": view.unit_tally(code),
            }
            for code, members in view.by_unit.items()
        ],
        on_roster=len(everyone),
        in_scope=view.in_scope(everyone),
        overall=view.tally_people(everyone),
        track_rows=view.track_rows(everyone),
        **_key_area_units(view),
        unfinished_leaders=_unfinished_leaders(view),
        without_makeup=_without_makeup(view),
        history=[(past.quarter, past.overall) for past in view.history],
        families=[
            {"code": code, "name": view.data.units.get(code, code), "tally": tally}
            for code, tally in sorted(view.data.families.items())
            if code in view.by_unit
        ],
    )


def ranked(parts: list[SummaryPart]) -> list[dict[str, Any]]:
    """Every part's units ranked by completion, best first (then by code), numbered."""
    ranking = [row for part in parts for row in part.ranking]
    ranking.sort(key=lambda r: (-(r["tally"].rate or 0), r["code"]))
    for position, row in enumerate(ranking, start=1):
        row["rank"] = position
    return ranking


def summary_report(view: QuarterView, parts: list[SummaryPart] | None = None) -> dict[str, Any]:
    """The organisation summary: units ranked by completion, totals per track, what is left.

    `parts` are the figures over every unit, a part at a time; without them, the view's own.
    """
    parts = [summary_part(view)] if parts is None else parts
    ranking = ranked(parts)
    overall = sum((part.overall for part in parts), Tally())
    in_scope = sum(part.in_scope for part in parts)
    track_rows = (
        [
            rows[0]
            | {
                "people": sum(r["people"] for r in rows),
                "tally": sum((r["tally"] for r in rows), Tally()),
            }
            for rows in zip(*(part.track_rows for part in parts), strict=True)
        ]
        if parts
        else view.track_rows([])
    )
    history: dict[Quarter, Tally] = {}
    for part in parts:
        for quarter, past in part.history:
            history[quarter] = history.get(quarter, Tally()) + past
    key_area_units = [unit for part in parts for unit in part.key_area_units]
    key_area_units.sort(key=lambda u: (-u.tally.overdue, -u.tally.left, u.code))
    leaders = [row for part in parts for row in part.unfinished_leaders]
    leaders.sort(key=lambda r: (not r["overdue"], r["unit_code"], r["name"]))
    without_makeup = [row for part in parts for row in part.without_makeup]
    without_makeup.sort(key=lambda r: (r["unit_code"], r["employee_id"]))
    return {
        **view.header(),
        "standings": view.columns(held=overall.held > 0),
        "t": view.labels,
        "ranking": ranking,
        "overall": overall,
        "in_scope": in_scope,
        "on_roster": sum(part.on_roster for part in parts),
        "track_rows": track_rows,
        "track_total": {"people": in_scope, "tally": overall},
        "chart": completion_chart(track_rows),
        "trend": trend_chart(
            [
                (quarter_text(quarter, view.lang), tally)
                for quarter, tally in [*history.items(), (view.data.quarter, overall)]
            ]
        ),
        "sessions": view.held(view.held_on),
        "sessions_planned": len(view.held_on),
        "key_area_units": key_area_units,
        "key_area_units_complete": sum(part.key_area_units_complete for part in parts),
        "unfinished_leaders": leaders,
        "without_makeup": without_makeup[:PEOPLE_SHOWN],
        "without_makeup_count": len(without_makeup),
        "without_makeup_reason": view.labels["without_makeup_reason"][
            "to_book" if view.makeup_days_left else "none_left"
        ],
        **rejects_shown(view),
        **roster_changes(view),
        **_families(parts),
    }


def _families(parts: list[SummaryPart]) -> dict[str, Any]:
    """Each unit's families reached (家庭助廉), and the totals: counts, never a name."""
    rows = sorted((row for part in parts for row in part.families), key=lambda r: r["code"])
    total = FamilyTally(
        sum(r["tally"].consenting for r in rows),
        sum(r["tally"].letters for r in rows),
        sum(r["tally"].slips for r in rows),
    )
    return {"families": rows, "families_total": total}


PEOPLE_SHOWN = 50  # the rest are in the units' reports and `lianjie export … outstanding`


def _unfinished_leaders(view: QuarterView) -> list[dict[str, Any]]:
    """Top leaders (一把手) with their own education not complete, and what is left."""
    rows = []
    for cadre in view.data.cadres:
        if cadre.leadership_role is not LeadershipRole.top_leader:
            continue
        left = [
            r
            for r in view.required_of[cadre.employee_id]
            if r.track not in CONFIDENTIAL_TRACKS and view.standing_of(r) is not Standing.complete
        ]
        if left:
            rows.append(
                {
                    "unit": view.data.units.get(cadre.unit_code, cadre.unit_code),
                    "unit_code": cadre.unit_code,
                    "name": cadre.name,
                    "post": cadre.post,
                    "items": view.items(left),
                    "overdue": any(view.standing_of(r) is Standing.overdue for r in left),
                }
            )
    return rows  # sorted with every part's


def _without_makeup(view: QuarterView) -> list[dict[str, Any]]:
    """People who missed an item and are booked on no make-up ahead: the organisation
    department arranges one, or, with no working day left, carries the item over."""
    rows = []
    for cadre in view.data.cadres:
        visible = [
            r for r in view.required_of[cadre.employee_id] if r.track not in CONFIDENTIAL_TRACKS
        ]
        missed = view.without_makeup(visible)
        if missed:
            rows.append(
                {
                    "unit": view.data.units.get(cadre.unit_code, cadre.unit_code),
                    "unit_code": cadre.unit_code,
                    "employee_id": cadre.employee_id,
                    "name": cadre.name,
                    "items": view.items(missed),
                }
            )
    return rows  # sorted with every part's


@dataclass(frozen=True)
class KeyAreaUnit:
    """A unit's key-post holders and how their key-post education stands."""

    code: str
    name: str
    people: int
    tally: Tally


def _key_area_units(view: QuarterView) -> dict[str, Any]:
    """The units whose key-post holders still have education to do, most overdue first."""
    unfinished: list[KeyAreaUnit] = []
    complete = 0
    for code, members in sorted(view.by_unit.items()):
        holders = [
            c.employee_id
            for c in members
            if Track.key_area in view.data.tracks.get(c.employee_id, {})
        ]
        if not holders:
            continue
        counts = view.tally_people(holders, Track.key_area)
        if counts.left == 0:
            complete += 1
        else:
            unfinished.append(
                KeyAreaUnit(code, view.data.units.get(code, code), len(holders), counts)
            )
    return {"key_area_units": unfinished, "key_area_units_complete": complete}
