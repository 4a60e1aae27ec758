"""Issue 41, item 6: a reports run on a pool with several workers rendered everything in one
process unless `chunks` was set. Left empty, it is now one chunk per worker online."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from flows.reporting import fanout


def in_a_run_on(monkeypatch: pytest.MonkeyPatch, pool: str | None) -> None:
    """As if in a flow run a worker of `pool` started (None: started by the command line)."""
    run = SimpleNamespace(flow_run=SimpleNamespace(work_pool_name=pool))
    monkeypatch.setattr(fanout, "FlowRunContext", SimpleNamespace(get=lambda: run))


def test_one_chunk_per_worker_online_and_none_for_one_worker_or_none(
    prefect_harness: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    with get_client(sync_client=True) as client:
        for pool, workers in (("three-workers", 3), ("one-worker", 1)):
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"), overwrite=True)
            for n in range(workers):
                client.send_worker_heartbeat(pool, f"{pool}-{n}", heartbeat_interval_seconds=30)

    in_a_run_on(monkeypatch, "three-workers")
    assert 3 == fanout.chunks_for_the_pool()
    in_a_run_on(monkeypatch, "one-worker")
    assert 0 == fanout.chunks_for_the_pool()  # rendered here: a chunk would only add its start
    in_a_run_on(monkeypatch, None)
    assert 0 == fanout.chunks_for_the_pool()
