"""Flow runs named and tagged for what they are, so that the Prefect UI's runs list reads like
the quarter: `cycle-2026Q4`, `dispatch-2026-10-08-dry-run`, `reports-2026Q4-U0001-U0050` instead of
`zeta5-hara-void`. Each name is made from the run's own parameters; an empty one is named as
the flow will read it (this quarter, today), and a name that cannot be made falls back to the
flow's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext
from prefect.runtime import flow_run

from core.domain import Quarter
from flows.common import log, settings, today

Namer = Callable[[Mapping[str, Any], date], str]


def _quarter(parameters: Mapping[str, Any], on: date, *, previous: bool = False) -> str:
    given = parameters.get("quarter")
    if isinstance(given, str) and given.strip():
        return Quarter.parse(given).label
    current = Quarter.containing(on)
    return (current.previous if previous else current).label


def _day(value: object, on: date) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or on)[:10]


def _rehearsal(parameters: Mapping[str, Any]) -> str:
    return "-dry-run" if parameters.get("dry_run") else ""


def _units(parameters: Mapping[str, Any]) -> str:
    units = list(parameters.get("units") or ())
    return f"-{units[0]}-{units[-1]}" if len(units) > 1 else f"-{units[0]}" if units else ""


NAMERS: dict[str, Namer] = {
    "quarterly-cycle": lambda p, on: f"cycle-{_quarter(p, on)}{_rehearsal(p)}",
    "daily-dispatch": lambda p, on: f"dispatch-{_day(p.get('date'), on)}{_rehearsal(p)}",
    "collect-completions": lambda p, on: f"collect-{_quarter(p, on)}-{_day(p.get('as_of'), on)}",
    "accountability-reports": lambda p, on: f"reports-{_quarter(p, on, previous=True)}{_units(p)}",
    "annual-report": lambda p, on: f"annual-{p.get('year') or on.year - 1}",
    "calendar-schedules": lambda p, on: f"schedules-{p.get('year') or f'{on.year}-{on.year + 1}'}",
    "sign-in-sheets": lambda p, on: (
        f"sheets-{_quarter(p, on)}-{p.get('session') or _day(p.get('day'), on)}"
    ),
}


def name_of(flow: str, parameters: Mapping[str, Any], on: date) -> str:
    """The run's name from its parameters, `on` the organisation's today."""
    try:
        return NAMERS[flow](parameters, on)
    except (KeyError, ValueError, IndexError, TypeError):
        return flow


def run_tags(flow: str, parameters: Mapping[str, Any], on: date, *, scheduled: bool) -> list[str]:
    """The tags that sort the runs list: the quarter the run is about, how it was started, and
    a rehearsal's mark."""
    about = _day(parameters.get("date"), on) if flow == "daily-dispatch" else None
    try:
        quarter = (
            Quarter.containing(date.fromisoformat(about)).label
            if about
            else _quarter(parameters, on, previous=flow == "accountability-reports")
        )
    except ValueError:
        quarter = ""
    tags = [f"quarter:{quarter}"] if quarter and flow != "annual-report" else []
    tags.append("scheduled" if scheduled else "manual")
    return tags + (["dry-run"] if parameters.get("dry_run") else [])


def run_name(flow: str) -> Callable[[], str]:
    """The `flow_run_name` of a flow: called by Prefect as the run starts."""

    def named() -> str:
        try:
            on = today(settings())
        except Exception:  # a bad setting fails the run itself, with its own message
            return flow
        parameters = flow_run.parameters or {}
        tag_run(run_tags(flow, parameters, on, scheduled=_scheduled()))
        return name_of(flow, parameters, on)

    return named


def _scheduled() -> bool:
    context = FlowRunContext.get()
    return bool(context and context.flow_run and context.flow_run.auto_scheduled)


def tag_run(tags: list[str]) -> None:
    """Add the tags to the running flow run's own (a deployment's stay); a server that cannot
    be told leaves the run untagged, never failed."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return
    kept = list(context.flow_run.tags or [])
    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run(
                context.flow_run.id, tags=kept + [t for t in tags if t not in kept]
            )
    except Exception as error:
        log().debug("the run's tags were not set: %s", error)
