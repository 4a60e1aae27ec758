"""What a Prefect server keeps of some flow runs, as its UI shows them: run names, tags and
parameters, task run names, artifacts and log lines. For the tests that search it for what must
never reach Prefect (the admonition track, a family member)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from uuid import UUID

from harness.prefect_api import artifact_as_shown


def flow_run_of(state: Any) -> UUID:
    assert state.is_completed(), state
    return UUID(str(state.state_details.flow_run_id))


def stored_for(runs: list[UUID]) -> dict[str, list[str]]:
    """Everything the server keeps of these flow runs, as the UI shows it: run names, tags and
    parameters; task run names; artifacts; log lines."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )

    async def read() -> dict[str, list[str]]:
        async with get_client() as client:
            flow_runs = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=runs))
            )
            task_runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=runs))
            )
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=runs))
            )
            logs = []
            offset = 0
            while True:
                page = await client.read_logs(
                    log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=runs)),
                    limit=200,
                    offset=offset,
                )
                logs += page
                offset += len(page)
                if len(page) < 200:
                    break
        return {
            "runs": [
                f"{r.name} {r.tags} {json.dumps(r.parameters, ensure_ascii=False, default=str)}"
                for r in flow_runs
            ],
            "task runs": [t.name for t in task_runs],
            "artifacts": [artifact_as_shown(a.key, a.description, a.data) for a in artifacts],
            "logs": [entry.message for entry in logs],
        }

    return asyncio.run(read())


def stored_once_logged(runs: list[UUID], said: str) -> dict[str, list[str]]:
    """`stored_for(runs)` once a log line holding `said` has reached the server: the runs'
    logs arrive in batches after the runs end. The two minutes are a backstop for a broken
    run, never reached otherwise (the tests that call this are marked slow)."""
    deadline = time.monotonic() + 120
    stored = stored_for(runs)
    while not any(said in line for line in stored["logs"]) and time.monotonic() < deadline:
        time.sleep(1)
        stored = stored_for(runs)
    return stored
