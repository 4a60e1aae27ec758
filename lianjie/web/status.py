"""The quarter at a glance, for the organisation department: each unit's standing (the
summary's numbers, taken now), the runs in progress and the next scheduled runs."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterName,
    FlowRunFilterStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL

from core.domain import Quarter
from core.settings import Settings
from flows.common import RunSettings, now, this_quarter
from flows.reporting.parts import plan_reports, prepare_part
from lianjie.web.grants import Role
from lianjie.web.pages import SessionCookie, page, signed_in_as, site_of
from models.db import session_for
from models.tables import QuarterCycle
from reports.summary import ranked

router = APIRouter()


@dataclass(frozen=True, slots=True)
class RunSeen:
    """A flow run as the status page lists it."""

    name: str
    state: str
    when: datetime | None


@router.get("/status", response_class=HTMLResponse, response_model=None)
def status(request: Request, session_cookie: SessionCookie = None) -> Response:
    here = site_of(request)
    who = signed_in_as(request, session_cookie, Role.organisation, "/status")
    if isinstance(who, Response):
        return who
    quarter = this_quarter(here.config)
    with session_for(here.db_url) as session:
        started = session.get(QuarterCycle, quarter.label) is not None
    running, scheduled, problem = prefect_runs()
    return page(
        request,
        "status.html.j2",
        quarter=quarter.label,
        ranking=unit_standings(here.config, quarter) if started else [],
        started=started,
        running=running,
        scheduled=scheduled,
        prefect_problem=problem,
    )


def unit_standings(config: Settings, quarter: Quarter) -> list[dict[str, Any]]:
    """Each unit's standing now, ranked as the summary ranks them: the reports' own parts,
    prepared as a report run would, without rendering anything."""
    run = RunSettings.of(config)
    with tempfile.TemporaryDirectory() as nowhere:  # no PDF is written; the plan names a folder
        setting, parts = plan_reports.fn(
            run=run, quarter=quarter, units=None, out=nowhere, as_of=now(config)
        )
        shares = [
            prepare_part.fn(
                run=run, quarter=quarter, setting=setting, units=units, unit_reports=False
            ).summary
            for units in parts
        ]
    return ranked(shares)


def prefect_runs() -> tuple[list[RunSeen], list[RunSeen], str]:
    """The runs in progress and the next ten scheduled, from the Prefect server the site's
    environment names; with none named, or none answering, why not."""
    if not PREFECT_API_URL.value():
        return [], [], "no Prefect server is configured (PREFECT_API_URL)"

    def of(types: list[StateType]) -> FlowRunFilter:
        return FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=types)))

    try:
        with get_client(sync_client=True) as client:
            running = client.read_flow_runs(
                flow_run_filter=of([StateType.RUNNING, StateType.PENDING, StateType.PAUSED]),
                limit=50,
            )
            coming = client.read_flow_runs(
                flow_run_filter=of([StateType.SCHEDULED]),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=10,
            )
    except Exception as error:
        return [], [], f"the Prefect server did not answer: {type(error).__name__}"
    return (
        [RunSeen(r.name, r.state_name or "", r.start_time) for r in running],
        [RunSeen(r.name, r.state_name or "", r.expected_start_time) for r in coming],
        "",
    )


def run_link(name: str, since: datetime) -> str:
    """The Prefect UI's page of the newest run named `name` (its beginning: a run's name may
    end with more) started since `since`: the run the site has just had the command line
    start. "" with no server, no UI address, or no such run."""
    ui = PREFECT_UI_URL.value()
    if not PREFECT_API_URL.value() or not ui:
        return ""
    named = FlowRunFilter(
        name=FlowRunFilterName(like_=name),
        start_time=FlowRunFilterStartTime.model_validate({"after_": since}),
    )
    try:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                flow_run_filter=named, sort=FlowRunSort.START_TIME_DESC, limit=1
            )
    except Exception:
        return ""
    return run_page(runs[0].id) if runs else ""


def run_page(flow_run_id: UUID) -> str:
    """The Prefect UI's page of a flow run; "" without a UI address."""
    ui = PREFECT_UI_URL.value()
    return f"{ui.rstrip('/')}/runs/flow-run/{flow_run_id}" if ui else ""
