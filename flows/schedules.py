"""The deployments' schedules for a year, from the official working calendar, applied to the
Prefect server: a quarterly run is created on each quarter's first working day only, and the
sign-in sheets on working days only, instead of firing daily and declining as Skipped.

prefect.yaml keeps its cron schedules, which work in any year with no calendar (the runs on the
wrong days decline). The calendar-schedules deployment (each month) and `lianjie schedules
--apply` replace them on the server, deployment by deployment, with one schedule per year
computed here; the daily collect and dispatch keep their cron, as they run every day.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, time
from typing import Annotated, Any

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import DeploymentScheduleCreate
from prefect.client.schemas.schedules import CronSchedule, RRuleSchedule
from pydantic import BaseModel

from core.settings import Settings
from flows.common import expected_failures, log, scheduled_day, settings, working_calendar
from flows.parameters import titled
from flows.run_names import run_name
from flows.serving import described, flow_of
from policy.calendar import WorkingCalendar
from policy.schedules import YearSchedule, first_working_days, working_mornings

ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Planned:
    """A deployment's schedule for a year: on the server as `flow/deployment`, with the
    parameters prefect.yaml gives it."""

    deployment: str
    year: int
    schedule: YearSchedule
    parameters: dict[str, Any]
    estimated: bool  # no official holiday notice for the year yet

    @property
    def slug(self) -> str:
        return f"calendar-{self.year}"


class SchedulesApplied(BaseModel):
    years: list[int]
    deployments: list[str]
    estimated: list[int]  # years with no official holiday notice yet


@flow(name="calendar-schedules", flow_run_name=run_name("calendar-schedules"), log_prints=True)
@expected_failures
def calendar_schedules(
    year: Annotated[int, titled("Year 年度 (0: this year and the next)")] = 0,
) -> SchedulesApplied:
    """Put this year's and next year's schedules, computed from the working calendar (its
    overrides included), on the deployments that follow it: each month, so that a year's
    official notice, once in the override file, moves the runs without anyone remembering.

    Args:
        year: The one year to apply; 0 means this year and the next.
    """
    config = settings()
    this = scheduled_day(config).year
    years = [year] if year else [this, this + 1]
    planned = year_schedules(config, years)
    apply(planned)
    applied = SchedulesApplied(
        years=years,
        deployments=sorted({p.deployment for p in planned}),
        estimated=sorted({p.year for p in planned if p.estimated}),
    )
    log().info("schedules of %s applied to %s", years, ", ".join(applied.deployments))
    for estimated in applied.estimated:
        log().warning(
            "no official holiday notice for %d yet: its schedules follow the estimated "
            "calendar; add the notice to LIANJIE_CALENDAR_OVERRIDES and the next run "
            "applies it",
            estimated,
        )
    return applied


def year_schedules(config: Settings, years: list[int]) -> list[Planned]:
    """For each deployment whose schedule follows the working calendar, its schedule of each
    year."""
    # prefect.yaml read, and each flow imported, once for every year
    entries = [(f"{flow_of(e['entrypoint']).name}/{e['name']}", e) for e in described()]
    planned = []
    for year in years:
        calendar = working_calendar(config, date(year, 1, 1), date(year, 12, 31))
        for name, entry in entries:
            for written in entry.get("schedules", []):
                schedule = _following_the_calendar(written, calendar, year)
                if schedule is not None:
                    parameters = dict(written.get("parameters") or {})
                    estimated = calendar.is_estimated(year)
                    planned.append(Planned(name, year, schedule, parameters, estimated))
    return planned


def _following_the_calendar(
    written: dict[str, Any], calendar: WorkingCalendar, year: int
) -> YearSchedule | None:
    """prefect.yaml's cron schedule as the year's calendar schedule, when it follows the
    calendar (its guard parameter says so); None for one that fires every day."""
    minute, hour, _, months, _ = str(written["cron"]).split()
    at = time(int(hour), int(minute))
    given = written.get("parameters") or {}
    if given.get("only_on_first_working_day"):
        return first_working_days(calendar, year, at, [int(m) for m in months.split(",")])
    if given.get("only_on_working_days"):
        return working_mornings(calendar, year, at)
    return None


def apply(planned: list[Planned]) -> None:
    """Put the schedules on the server: each year's replaces that year's (its slug), and the
    cron schedules they stand for are removed. Run again, it changes nothing more."""
    asyncio.run(_apply(planned))


async def _apply(planned: list[Planned]) -> None:
    async with get_client() as client:
        for name in sorted({p.deployment for p in planned}):
            deployment = await client.read_deployment_by_name(name)
            ours = [p for p in planned if p.deployment == name]
            slugs = {p.slug for p in ours}
            for existing in await client.read_deployment_schedules(deployment.id):
                replaced = isinstance(existing.schedule, CronSchedule) and _stands_for(
                    existing.parameters, ours
                )
                if existing.slug in slugs or replaced:
                    await client.delete_deployment_schedule(deployment.id, existing.id)
            await client.create_deployment_schedules(
                deployment.id,
                [
                    DeploymentScheduleCreate(
                        schedule=RRuleSchedule(rrule=p.schedule.rrule, timezone=ZONE),
                        active=True,
                        parameters=p.parameters,
                        slug=p.slug,
                    )
                    for p in ours
                ],
            )


def _stands_for(parameters: dict[str, Any], ours: list[Planned]) -> bool:
    """A cron schedule with the same parameters as a calendar schedule: the one it replaces."""
    return any(parameters == p.parameters for p in ours)
