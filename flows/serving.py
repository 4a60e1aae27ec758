"""All deployments served from one process with their schedules: for small sites."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from typing import cast

from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import TerminationSignal
from prefect.runner import Runner
from prefect.schedules import Cron

from flows.accountability import accountability_reports
from flows.annual import annual_report
from flows.collect import collect_completions
from flows.cycle import quarterly_cycle
from flows.dispatch import daily_dispatch
from flows.sheets import sign_in_sheets

ZONE = "Asia/Shanghai"
# The schedules fire on each of a month's first ten days; the run works on the first working one.
FIRST_WORKING_DAY = {"only_on_first_working_day": True}


def serve_all(ready: Callable[[], None] = lambda: None) -> None:
    """The same six deployments as prefect.yaml, served by this process until it is stopped;
    `ready` is called once they are all registered (so that what it prints already works)."""
    # to_deployment may return a coroutine when called from async code; here it never does.
    deployments = [
        quarterly_cycle.to_deployment(
            name="quarterly-cycle",
            schedules=[Cron("0 8 1-10 1,4,7,10 *", timezone=ZONE, parameters=FIRST_WORKING_DAY)],
            concurrency_limit=1,
            enforce_parameter_schema=True,
        ),
        daily_dispatch.to_deployment(
            name="daily-dispatch",
            schedules=[Cron("0 8 * * *", timezone=ZONE)],
            concurrency_limit=1,
            enforce_parameter_schema=True,
        ),
        collect_completions.to_deployment(
            name="collect-completions",
            schedules=[Cron("30 7 * * *", timezone=ZONE)],
            concurrency_limit=1,
            enforce_parameter_schema=True,
        ),
        accountability_reports.to_deployment(
            name="accountability-reports",
            schedules=[
                Cron(
                    "0 9 1-10 1,4,7,10 *",
                    timezone=ZONE,
                    parameters={"deliver": True, **FIRST_WORKING_DAY},
                )
            ],
            concurrency_limit=1,
            enforce_parameter_schema=True,
        ),
        annual_report.to_deployment(
            name="annual-report",
            schedules=[
                Cron(
                    "0 9 1-10 1 *",
                    timezone=ZONE,
                    parameters=FIRST_WORKING_DAY,
                )
            ],
            concurrency_limit=1,
            enforce_parameter_schema=True,
        ),
        sign_in_sheets.to_deployment(
            name="sign-in-sheets",
            schedules=[
                Cron(
                    "0 8 * * *",
                    timezone=ZONE,
                    parameters={"deliver": True, "only_on_working_days": True},
                )
            ],
            concurrency_limit=1,
            enforce_parameter_schema=True,
        ),
    ]
    # prefect.serve, with `ready` between registering the deployments and starting to serve.
    runner = Runner(pause_on_shutdown=True)
    for deployment in deployments:
        runner.add_deployment(cast(RunnerDeployment, deployment))
    ready()
    with suppress(KeyboardInterrupt, TerminationSignal):
        asyncio.run(runner.start())


NAMES = [
    "quarterly-cycle/quarterly-cycle",
    "daily-dispatch/daily-dispatch",
    "collect-completions/collect-completions",
    "accountability-reports/accountability-reports",
    "annual-report/annual-report",
    "sign-in-sheets/sign-in-sheets",
]


def banner(api_url: str) -> list[str]:
    """What `lianjie serve` prints: where the UI is and commands that work while it runs."""
    ui = api_url.removesuffix("/api")
    return [
        f"Serving {len(NAMES)} deployments with their schedules (Beijing time) from this process.",
        f"Prefect UI: {ui}  (Deployments → Run → Custom run)",
        "Start a run by hand from another terminal, while this one runs:",
        f"  PREFECT_API_URL={api_url} prefect deployment run 'quarterly-cycle/quarterly-cycle' "
        "--param quarter=2026Q4 --param roster=/path/to/roster.xlsx",
        f"  PREFECT_API_URL={api_url} prefect deployment run "
        "'accountability-reports/accountability-reports' --param quarter=2026Q4",
        "Stop with Ctrl-C (or SIGTERM): a run in progress is left to finish its current step.",
    ]
