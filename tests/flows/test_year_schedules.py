"""`lianjie schedules --apply` on a Prefect server (issue 39, item 1): the deployments that
follow the working calendar get one schedule per year, computed from it, in place of the cron
that fired daily and declined; run twice, nothing more changes."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prefect.client.orchestration import get_client
from prefect.client.schemas.schedules import CronSchedule, RRuleSchedule
from prefect.server.schemas.schedules import RRuleSchedule as ServerRRule

SHANGHAI = ZoneInfo("Asia/Shanghai")


def schedules_of(names: list[str]) -> dict[str, list[Any]]:
    async def read() -> dict[str, list[Any]]:
        async with get_client() as client:
            found = {}
            for name in names:
                deployment = await client.read_deployment_by_name(name)
                found[name] = await client.read_deployment_schedules(deployment.id)
            return found

    return asyncio.run(read())


def test_applied_schedules_replace_the_daily_cron(
    prefect_harness: str, isolated_settings: Path
) -> None:
    from flows.common import settings
    from flows.schedules import apply, year_schedules
    from flows.serving import deployments

    for deployment in deployments():
        deployment.apply()
    names = ["quarterly-cycle/quarterly-cycle", "sign-in-sheets/sign-in-sheets"]
    before = schedules_of([*names, "daily-dispatch/daily-dispatch"])
    assert all(
        isinstance(s.schedule, CronSchedule) for s in before["quarterly-cycle/quarterly-cycle"]
    )

    planned = year_schedules(settings(), [2027])
    apply(planned)
    apply(planned)  # again: the year's schedule replaces itself
    after = schedules_of([*names, "daily-dispatch/daily-dispatch"])
    for name in names:
        [only] = after[name]
        assert isinstance(only.schedule, RRuleSchedule) and "calendar-2027" == only.slug
        assert only.schedule.timezone == "Asia/Shanghai"
    # the every-day flows keep their cron
    assert [type(s.schedule) for s in after["daily-dispatch/daily-dispatch"]] == [CronSchedule]
    cycle = after["quarterly-cycle/quarterly-cycle"][0]
    assert {"only_on_first_working_day": True} == cycle.parameters
    start = datetime(2027, 1, 1, tzinfo=SHANGHAI)
    end = datetime(2027, 12, 31, 23, 59, tzinfo=SHANGHAI)
    stored = ServerRRule(rrule=cycle.schedule.rrule, timezone=cycle.schedule.timezone)
    fired = asyncio.run(stored.get_dates(n=10, start=start, end=end))
    assert ["2027-01-04 08:00", "2027-04-01 08:00", "2027-07-01 08:00"] == [
        d.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") for d in fired[:3]
    ]


def test_the_monthly_run_keeps_this_years_and_next_years_schedules_on_the_server(
    prefect_harness: str, isolated_settings: Path, caplog: Any
) -> None:
    """Issue 39, item 1: the operator no longer has to remember `schedules --apply` each
    year. The calendar-schedules run applies this year's and next year's schedules from the
    calendar, and says when a year is still estimated (no State Council notice yet)."""
    from flows.schedules import calendar_schedules
    from flows.serving import deployments

    for deployment in deployments():
        deployment.apply()
    summary = calendar_schedules(year=2031)  # a year no notice covers: estimated
    assert [2031] == summary.years and [2031] == summary.estimated
    assert {"quarterly-cycle/quarterly-cycle", "sign-in-sheets/sign-in-sheets"} <= set(
        summary.deployments
    )
    cycle = schedules_of(["quarterly-cycle/quarterly-cycle"])["quarterly-cycle/quarterly-cycle"]
    # the cron is gone; each year applied has its own schedule (another test's may be there)
    assert all(isinstance(s.schedule, RRuleSchedule) for s in cycle)
    assert "calendar-2031" in {s.slug for s in cycle}
    assert "2031" in caplog.text and "estimated" in caplog.text
    again = calendar_schedules(year=2031)
    assert summary == again  # run again: the same schedules, nothing added
    after = schedules_of(["quarterly-cycle/quarterly-cycle"])["quarterly-cycle/quarterly-cycle"]
    assert sorted(s.slug or "" for s in cycle) == sorted(s.slug or "" for s in after)
