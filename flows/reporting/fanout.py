"""Reports fanned out over workers: each chunk of units a `render-reports` flow run on the work
pool, watched until every chunk has completed. A chunk whose run crashed, failed, was cancelled
or is stuck is run again alone; the PDFs land in the one output folder every worker reaches."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from uuid import UUID, uuid4

from prefect import get_client
from prefect.automations import Automation
from prefect.client.schemas.filters import WorkerFilter, WorkerFilterStatus
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.context import FlowRunContext
from prefect.deployments import run_deployment
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY
from prefect.states import Crashed

from core.domain import Quarter, ReportKind
from flows.common import RunSettings, log
from flows.progress import Stage
from flows.reporting.chunks import ATTEMPTS, ChunkSeen, Next, next_step, split_units
from flows.reporting.parts import prepare_organisation, prepare_part, report_out
from flows.reporting.rendering import ReportOut, render_chunk
from reports.jobs import ReportSetting
from reports.render import Rendered, rendered_file

DEPLOYMENT = "render-reports/render-reports"
POLL_SECONDS = 2.0
CRASH_DETECTION = "lianjie-crash-silent-flow-runs"
MISSED_HEARTBEATS = 3  # a run silent for this many heartbeats is marked crashed


class ChunkFailed(RuntimeError):
    """Raised when a chunk of reports did not complete in ATTEMPTS runs."""


@dataclass(slots=True)
class Chunk:
    """A chunk of units and its latest flow run."""

    number: int
    units: list[str]
    run_id: UUID
    attempt: int = 1


def chunks_for_the_pool() -> int:
    """One chunk per worker online in this run's work pool when it has more than one; else 0
    (render here): a single worker would gain nothing from chunks but their start-up."""
    context = FlowRunContext.get()
    pool = context.flow_run.work_pool_name if context and context.flow_run else None
    if not pool:
        return 0  # the command line, `lianjie serve`: no pool
    online = WorkerFilter(status=WorkerFilterStatus(any_=["ONLINE"]))
    with get_client(sync_client=True) as client:
        workers = len(client.read_workers_for_work_pool(pool, worker_filter=online))
    if workers < 2:
        return 0
    log().info(
        "%d workers online in pool %s: the units go in %d chunks (the output folder must be "
        "one every worker reaches)",
        workers,
        pool,
        workers,
    )
    return workers


def render_on_pool(
    *,
    run: RunSettings,
    quarter: Quarter,
    setting: ReportSetting,
    parts: list[list[str]],
    whole: bool,
    chunks: int,
    parameters: dict[str, Any],
    deadline: timedelta,
    progress: Stage,
) -> list[tuple[ReportOut, Rendered]]:
    """The units' reports in `chunks` render-reports runs on the work pool; with `whole`, the
    summary and the confidential list here, from every part's share, while the chunks run."""
    units = [code for part in parts for code in part if code in setting.file_names]
    key = _run_key(quarter)
    started = start_chunks(units, chunks=chunks, parameters=parameters, key=key)
    # The summary and the confidential list are rendered here, in the parent: the list is
    # encrypted where it is rendered, with the password of this worker's settings. It never
    # becomes a chunk: no run's parameters name it and no chunk's log or artifact shows it.
    shares = [
        prepare_part(run=run, quarter=quarter, setting=setting, units=part, unit_reports=False)
        for part in parts
    ]
    here: list[tuple[ReportOut, Rendered]] = []
    if whole:
        own = prepare_organisation(run=run, quarter=quarter, setting=setting, parts=shares)
        here = list(zip(map(report_out, own), render_chunk([p.job for p in own]), strict=True))
        progress.advance(len(own))
    wait_for_chunks(started, parameters=parameters, key=key, deadline=deadline, progress=progress)
    # Each chunk's PDFs, read back from the shared folder: their pages and hashes, and proof
    # that they are there.
    rate = {row["code"]: row["tally"].percent for s in shares for row in s.summary.ranking}
    path = {code: setting.folder / setting.file_names[code] for code in units}
    return [
        (
            ReportOut(
                kind=ReportKind.unit, unit_code=code, path=str(path[code]), pages=0, rate=rate[code]
            ),
            rendered_file(path[code]),
        )
        for code in units
    ] + here


def _run_key(quarter: Quarter) -> str:
    """What makes this run's chunks its own: the flow run's id (a new one outside a run)."""
    context = FlowRunContext.get()
    flow_run = context.flow_run if context else None
    return f"{quarter.label}-{flow_run.id if flow_run else uuid4()}"


def start_chunks(
    units: list[str], *, chunks: int, parameters: dict[str, Any], key: str
) -> list[Chunk]:
    """Start the units' reports as `chunks` render-reports runs on the work pool; `parameters`
    are the chunks' (quarter, as_of, lang, out), nothing secret."""
    ensure_crash_detection()
    groups = split_units(units, chunks)
    return [
        _start(number, group, 1, len(groups), parameters, key)
        for number, group in enumerate(groups, 1)
    ]


def _start(
    number: int, units: list[str], attempt: int, of: int, parameters: dict[str, Any], key: str
) -> Chunk:
    # One key per parent run, chunk and attempt: a parent run retried by Prefect finds the runs
    # it started before instead of starting them again.
    # run_deployment answers a coroutine only when called from async code; here it never is.
    flow_run = cast(
        FlowRun,
        run_deployment(
            DEPLOYMENT,
            parameters=parameters | {"units": units},
            timeout=0,
            flow_run_name=f"{parameters['quarter']}-chunk-{number}-of-{of}-try-{attempt}",
            idempotency_key=f"{key}-chunk-{number}-try-{attempt}",
        ),
    )
    log().info(
        "chunk %d of %d (%d units, try %d): flow run %s",
        number,
        of,
        len(units),
        attempt,
        flow_run.name,
    )
    return Chunk(number, units, flow_run.id, attempt)


def wait_for_chunks(
    started: list[Chunk],
    *,
    parameters: dict[str, Any],
    key: str,
    deadline: timedelta,
    progress: Stage,
) -> None:
    """Watch the chunks until every one has completed, running again a chunk whose run
    crashed, failed, was cancelled or is stuck (ChunkFailed after ATTEMPTS runs)."""
    of = len(started)
    waiting = list(started)
    with get_client(sync_client=True) as client:
        while waiting:
            time.sleep(POLL_SECONDS)
            for chunk in list(waiting):
                flow_run = client.read_flow_run(chunk.run_id)
                step = next_step(
                    seen(flow_run),
                    now=datetime.now(UTC),
                    deadline=deadline,
                    pending_deadline=min(deadline, silence()),
                )
                if step is Next.wait:
                    continue
                if step is Next.done:
                    waiting.remove(chunk)
                    progress.advance(len(chunk.units))
                    continue
                if step is Next.stuck:
                    client.set_flow_run_state(
                        chunk.run_id,
                        Crashed(message=f"no end after {deadline}: taken for dead, run again"),
                        force=True,
                    )
                state = flow_run.state.name if flow_run.state else "no state"
                if chunk.attempt >= ATTEMPTS:
                    raise ChunkFailed(
                        f"chunk {chunk.number} of {of} ({', '.join(chunk.units[:3])}…) did not "
                        f"complete in {ATTEMPTS} runs; the last, {flow_run.name}, is {state}"
                    )
                log().warning(
                    "chunk %d of %d: flow run %s is %s; running the chunk again",
                    chunk.number,
                    of,
                    flow_run.name,
                    "stuck" if step is Next.stuck else state,
                )
                again = _start(chunk.number, chunk.units, chunk.attempt + 1, of, parameters, key)
                waiting[waiting.index(chunk)] = again


def silence() -> timedelta:
    """How long a run may go without a sign of life: MISSED_HEARTBEATS heartbeats."""
    frequency = PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value()
    if frequency is None:  # no heartbeats: only LIANJIE_CHUNK_DEADLINE_SECONDS bounds a run
        return timedelta.max
    return MISSED_HEARTBEATS * timedelta(seconds=frequency)


def seen(flow_run: FlowRun) -> ChunkSeen:
    """A chunk's run as the parent judges it: its state, and since when a worker has it."""
    state = flow_run.state
    if state is None:
        return ChunkSeen("SCHEDULED")
    if state.type is StateType.PENDING:
        return ChunkSeen(state.type.value, state.timestamp)
    since = flow_run.start_time or (state.timestamp if state.type is StateType.RUNNING else None)
    return ChunkSeen(state.type.value, since)


def ensure_crash_detection() -> None:
    """Prefect's own zombie detection, created once on the server: a flow run that sends no
    heartbeat (PREFECT_FLOWS_HEARTBEAT_FREQUENCY) for MISSED_HEARTBEATS of them is marked
    Crashed, which the parent sees and answers by running the chunk again."""
    frequency = PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value()
    if frequency is None:
        log().warning(
            "flow-run heartbeats are off (PREFECT_FLOWS_HEARTBEAT_FREQUENCY): a chunk whose "
            "worker dies is noticed only after LIANJIE_CHUNK_DEADLINE_SECONDS"
        )
        return
    # read and create answer coroutines only when called from async code; here they never do.
    try:
        cast(Automation, Automation.read(name=CRASH_DETECTION))
        return
    except ValueError:  # not there yet
        pass
    created = Automation(
        name=CRASH_DETECTION,
        description="A flow run silent for three heartbeats is marked Crashed (lianjie).",
        trigger=EventTrigger(
            # Prefect's documented trigger starts the clock at a heartbeat only; from the
            # Running state too here, so that a run killed before its first heartbeat reached
            # the server (it is sent in the background) is crashed as well.
            after={"prefect.flow-run.heartbeat", "prefect.flow-run.Running"},
            expect={"prefect.flow-run.*"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=MISSED_HEARTBEATS * frequency),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message="no heartbeat: its worker or machine stopped",
            )
        ],
    ).create()
    log().info(
        "created the automation %s (silent for %d s: crashed)",
        cast(Automation, created).name,
        MISSED_HEARTBEATS * frequency,
    )
