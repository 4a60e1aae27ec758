"""All deployments served from one process with their schedules: for small sites."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, cast

import yaml
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import TerminationSignal
from prefect.flows import Flow
from prefect.runner import Runner
from prefect.schedules import Cron, Schedule

# The checkout's prefect.yaml: the one place the deployments and their schedules are written.
PREFECT_YAML = Path(__file__).resolve().parents[1] / "prefect.yaml"


def deployments(path: Path = PREFECT_YAML) -> list[RunnerDeployment]:
    """The deployments prefect.yaml describes, with its schedules, to serve from this process."""
    # to_deployment may return a coroutine when called from async code; here it never does.
    return [
        cast(
            RunnerDeployment,
            flow_of(entry["entrypoint"]).to_deployment(
                name=entry["name"],
                schedules=[_cron(schedule) for schedule in entry.get("schedules", [])],
                parameters=entry.get("parameters") or None,
                concurrency_limit=entry.get("concurrency_limit"),
                enforce_parameter_schema=entry.get("enforce_parameter_schema", True),
            ),
        )
        for entry in described(path)
    ]


def described(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """prefect.yaml's list of deployments, as written."""
    return cast(
        list[dict[str, Any]], yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]
    )


def _cron(written: dict[str, Any]) -> Schedule:
    """A schedule as prefect.yaml writes it (cron, timezone, active, parameters) for Prefect."""
    options = {key: value for key, value in written.items() if key != "cron"}
    return Cron(written["cron"], **options)


def flow_of(entrypoint: str) -> Flow[Any, Any]:
    """The flow of an entrypoint such as flows/cycle.py:quarterly_cycle, imported as a module."""
    file, name = entrypoint.split(":")
    module = importlib.import_module(file.removesuffix(".py").replace("/", "."))
    return cast(Flow[Any, Any], getattr(module, name))


def serve_all(ready: Callable[[], None] = lambda: None) -> None:
    """The deployments of prefect.yaml, served by this process until it is stopped; `ready`
    is called once they are all registered (so that what it prints already works)."""
    served = deployments()
    # prefect.serve, with `ready` between registering the deployments and starting to serve.
    runner = Runner(pause_on_shutdown=True)
    for deployment in served:
        runner.add_deployment(deployment)
    ready()
    with suppress(KeyboardInterrupt, TerminationSignal):
        asyncio.run(runner.start())


def banner(api_url: str) -> list[str]:
    """What `lianjie serve` prints: where the UI is and commands that work while it runs."""
    ui = api_url.removesuffix("/api")
    return [
        f"Serving {len(described())} deployments with their schedules (Beijing time) from this "
        "process.",
        f"Prefect UI: {ui}  (Deployments → Run → Custom run)",
        "Start a run by hand from another terminal, while this one runs:",
        f"  PREFECT_API_URL={api_url} prefect deployment run 'quarterly-cycle/quarterly-cycle' "
        "--param quarter=2026Q4 --param roster=/path/to/roster.xlsx",
        f"  PREFECT_API_URL={api_url} prefect deployment run "
        "'accountability-reports/accountability-reports' --param quarter=2026Q4",
        "Stop with Ctrl-C (or SIGTERM): a run in progress is left to finish its current step.",
    ]
