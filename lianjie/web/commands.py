"""How the site runs a cycle or a collect for the organisation department.

With a Prefect server configured that has the deployment, the deployment's worker runs it, as
it runs a run started from the Run form: the deployment's one-at-a-time limit and the worker's
environment apply, and the run's summary comes back through Prefect's result storage. Without
one, it runs as the command line runs it, in a process of its own (`lianjie.web.ran`): a flow
run inside the site forked a render worker that inherited the site's open connections, and a
browser's kept-alive connection, closed by the site, stayed open in the worker and hung the
browser's next request."""

from __future__ import annotations

import base64
import json
import pickle
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL
from prefect.states import Cancelled
from pydantic import BaseModel

from core.exceptions import LianjieInputError
from flows.common import log
from flows.summaries import CollectSummary, CycleSummary
from lianjie.cli.runner import EXIT_BAD_INPUT
from lianjie.web.status import run_link, run_page

COMMAND_SECONDS = 3600  # a province's cycle; the proxy in front waits as long (docs/server.md)
CYCLE = "quarterly-cycle/quarterly-cycle"
COLLECT = "collect-completions/collect-completions"
NO_WORKER_SECONDS = 120
NO_WORKER = (
    "no worker took the run within two minutes, so it was cancelled and nothing was changed: "
    "start one (`lianjie worker --pool lianjie`, docs/server.md) and hand the file in again"
)
Summary = TypeVar("Summary", bound=BaseModel)


def cycle(
    quarter: str, roster: str, *, dry_run: bool = False, accept_leavers: bool = False
) -> tuple[CycleSummary, str]:
    """The cycle's summary, and the address of its run's page in the Prefect UI ("" if none)."""
    parameters = {
        "quarter": quarter,
        "roster": roster,
        "dry_run": dry_run,
        "accept_leavers": accept_leavers,
    }
    name = f"cycle-{quarter}" + ("-dry-run" if dry_run else "")
    return _run(CycleSummary, CYCLE, parameters, name)


def collect(quarter: str, file: str) -> tuple[CollectSummary, str]:
    """The collect's summary, and the address of its run's page in the Prefect UI."""
    parameters = {"quarter": quarter, "files": [file]}
    return _run(CollectSummary, COLLECT, parameters, f"collect-{quarter}")


def _run(
    kind: type[Summary], deployment: str, parameters: dict[str, Any], name: str
) -> tuple[Summary, str]:
    since = datetime.now(UTC)
    flow_run = _started_on_server(deployment, parameters)
    summary = _finished(flow_run.id) if flow_run else _ran_here(deployment, parameters)
    if not isinstance(summary, kind):
        raise RuntimeError(f"the run {name} answered {type(summary).__name__}")
    return summary, run_page(flow_run.id) if flow_run else run_link(name, since)


def _started_on_server(deployment: str, parameters: dict[str, Any]) -> FlowRun | None:
    if not PREFECT_API_URL.value():
        return None
    try:
        # run_deployment answers a coroutine only when called from async code; here it never is.
        started: FlowRun = run_deployment(deployment, parameters=parameters, timeout=0)  # type: ignore[assignment]
    except ObjectNotFound:
        log().warning("the Prefect server has no deployment %s: running it here", deployment)
        return None
    log().info("%s: flow run %s started on the server", deployment, started.name)
    return started


def _finished(flow_run_id: UUID, *, pause: float = 1.0) -> Any:
    """The run's summary once it has ended. A run that pauses to ask about many leavers is
    answered "no": the site asks its own question (the preview's box), as the command line
    does; a run that fails says why, in the words the command line would use. A run no worker
    takes is cancelled, and says so, rather than keep the clerk waiting for the hour."""
    deadline = time.monotonic() + COMMAND_SECONDS
    late_since: float | None = None
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            state = client.read_flow_run(flow_run_id).state
            if state is not None and state.is_paused():
                client.resume_flow_run(flow_run_id, run_input={"accept": False})
            elif state is not None and state.is_completed():
                return state.result()
            elif state is not None and state.is_final():
                raise LianjieInputError(state.message or f"the run ended {state.name}")
            # Late: past its start and no worker has taken it (one waiting for the deployment's
            # one-at-a-time slot is AwaitingConcurrencySlot, and waits on)
            late = state is not None and state.name == "Late"
            late_since = (late_since or time.monotonic()) if late else None
            if late_since is not None and time.monotonic() - late_since > NO_WORKER_SECONDS:
                client.set_flow_run_state(flow_run_id, Cancelled(message=NO_WORKER), force=True)
                raise LianjieInputError(NO_WORKER)
            time.sleep(pause)
    raise LianjieInputError("the run has not ended within the hour: its page in Prefect says more")


def _ran_here(deployment: str, parameters: dict[str, Any]) -> Any:
    """The flow run as the command line runs it, in a process of its own (`lianjie.web.ran`)."""
    kind = "cycle" if deployment == CYCLE else "collect"
    printed = in_own_process("lianjie.web.ran", kind, json.dumps(parameters))
    return pickle.loads(base64.b64decode(printed))  # noqa: S301  (our own process wrote it)


def in_own_process(module: str, *args: str, seconds: int = COMMAND_SECONDS) -> str:
    """What `python -m module args…` prints, run in a process of its own; its one-line refusal
    (exit 2) raised as the input error it is."""
    done = subprocess.run(  # noqa: S603  (our own modules; the arguments are checked values)
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=seconds,
        check=False,
    )
    if done.returncode == EXIT_BAD_INPUT:
        raise LianjieInputError(done.stderr.strip().removeprefix("lianjie: ") or "refused")
    if done.returncode != 0:
        raise RuntimeError(
            f"{module} {args[0]} ended with exit {done.returncode}: {done.stderr[-500:]}"
        )
    return done.stdout
