"""The runs Prefect's own scheduler creates from the calendar schedules (issue 39, how to prove
it): over the whole next year, a year with a Spring Festival and a National Day, every
sign-in-sheets run falls on an official working day, and the quarterly cycle runs once a
quarter, on its first working day, never on 1 January."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from harness.servers import prefect_server

SHANGHAI = ZoneInfo("Asia/Shanghai")
WATCHED = ("quarterly-cycle", "sign-in-sheets")


def days_of_runs(deployment: str, year: int) -> list[date]:
    """The days, in Beijing, of the runs the scheduler created for the deployment in `year`."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    asked = DeploymentFilter(name=DeploymentFilterName(any_=[deployment]))
    found: list[object] = []
    with get_client(sync_client=True) as client:
        while True:  # the server answers a page at a time
            page = client.read_flow_runs(deployment_filter=asked, limit=200, offset=len(found))
            found += page
            if len(page) < 200:
                break
    days = [run.expected_start_time.astimezone(SHANGHAI).date() for run in found]  # type: ignore[attr-defined]
    return sorted(d for d in days if d.year == year)


@pytest.mark.slow
def test_the_scheduler_creates_runs_on_the_calendars_days_only(
    tmp_path: Path, isolated_settings: Path
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.common import settings, today, working_calendar
    from flows.schedules import apply, year_schedules
    from flows.serving import deployments

    year = today(settings()).year + 1
    with (
        prefect_server(
            tmp_path / "prefect",
            PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",
            # a whole year ahead at once (by default it keeps three runs and an hour ahead)
            PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS="400",
            PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME="P800D",
            PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS="400",
            PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME="P800D",
        ) as env,
        temporary_settings({PREFECT_API_URL: env["PREFECT_API_URL"]}),
    ):
        for deployment in deployments():
            if deployment.name in WATCHED:
                deployment.apply()
        planned = year_schedules(settings(), [year])
        apply([p for p in planned if p.deployment.split("/")[1] in WATCHED])
        calendar = working_calendar(settings(), date(year, 1, 1), date(year, 12, 31))
        working = calendar.working_days(date(year, 1, 1), date(year, 12, 31))
        firsts = [calendar.next_working_day(date(year, m, 1)) for m in (1, 4, 7, 10)]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the scheduler's loop visits every 2 s
            cycles = days_of_runs("quarterly-cycle", year)
            sheets = days_of_runs("sign-in-sheets", year)
            if len(cycles) >= 4 and len(sheets) >= len(working):
                break
            time.sleep(2)
    assert firsts == cycles
    assert date(year, 1, 1) not in cycles + sheets
    assert working == sheets  # every working day once: no weekend, holiday or Skipped run
    assert 1 == max(Counter(sheets).values())
    breaks = {b.key: b for b in calendar.breaks(date(year, 1, 1), date(year, 12, 31))}
    for festival in ("spring_festival", "national_day"):
        off = breaks[festival]
        assert not [d for d in sheets if off.first_day <= d <= off.last_day], festival
    assert [d for d in sheets if d.weekday() >= 5] == [d for d in working if d.weekday() >= 5]
