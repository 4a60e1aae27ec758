"""Every report of a quarter planned at once, from a quarter loaded whole: what the flows do
a part at a time, for tests that read the reports' numbers without a database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from models.facts import QuarterData
from policy.config import Policy
from reports.jobs import (
    PlannedReport,
    organisation_jobs,
    quarter_view,
    report_setting,
    team_view,
    unit_jobs,
)


def quarter_jobs(
    data: QuarterData,
    *,
    earlier: list[QuarterData | None],
    policy: Policy,
    as_of: datetime,
    lang: str,
    units: list[str] | None,
    folder: Path,
    organisation: str,
    generated_at: datetime,
    estimated_calendar: bool = False,
) -> list[PlannedReport]:
    """Every report's numbers at `as_of`, from a quarter loaded whole: the units asked for (all
    when None), and with all of them the summary and the confidential list. An unknown unit is
    an input error."""
    known = sorted({c.unit_code for c in data.cadres})
    setting = report_setting(
        data.quarter,
        known,
        units=units,
        policy=policy,
        as_of=as_of,
        lang=lang,
        folder=folder,
        organisation=organisation,
        generated_at=generated_at,
        estimated_calendar=estimated_calendar,
    )
    team = team_view(data, earlier, setting)
    planned = unit_jobs(team, units or known, setting)
    if units:
        return planned
    return planned + organisation_jobs(quarter_view(data, earlier, setting), setting, team=team)
