"""The path users take: a real Prefect server, a process work pool, `prefect deploy --all`, a
worker, and a quarterly cycle started through the API with parameters, as the UI starts it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from lianjie.synthetic import HEADER, roster_rows, with_mistakes, write_csv
from tests.servers import prefect_server as running_prefect_server

ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A Prefect server on a free loopback port with its own home; yields the environment."""
    with running_prefect_server(
        tmp_path / "prefect", PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="5"
    ) as env:
        yield env


def run(env: dict[str, str], *command: str) -> str:
    result = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert 0 == result.returncode, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


async def start_and_wait(env: dict[str, str], parameters: dict[str, object]) -> tuple[str, str]:
    """Create a run of the deployment as the UI's Run button does, and wait for its end."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: env["PREFECT_API_URL"]}):
        async with get_client() as client:
            deployment = await client.read_deployment_by_name("quarterly-cycle/quarterly-cycle")
            run_ = await client.create_flow_run_from_deployment(
                deployment.id, parameters=parameters
            )
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                run_ = await client.read_flow_run(run_.id)
                if run_.state and run_.state.is_final():
                    break
                await asyncio.sleep(1)
            artifacts = await client.read_artifacts()
            keys = ",".join(sorted({a.key for a in artifacts if a.key}))
            return (run_.state.type.value if run_.state else "NONE"), keys


async def run_form(env: dict[str, str]) -> dict[str, dict[str, object]]:
    """The fields of the quarterly cycle's Run form, as the server keeps them for the UI."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: env["PREFECT_API_URL"]}):
        async with get_client() as client:
            deployment = await client.read_deployment_by_name("quarterly-cycle/quarterly-cycle")
            return deployment.parameter_openapi_schema["properties"]  # type: ignore[no-any-return,index]


@pytest.mark.slow
def test_deploy_run_through_the_api_on_a_worker(
    prefect_server: dict[str, str], tmp_path: Path
) -> None:
    """Deployments deploy from prefect.yaml; a worker runs a cycle the API started."""
    env = prefect_server | {
        "LIANJIE_DATA_DIR": str(tmp_path / "data"),
        "LIANJIE_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'lianjie.db'}",
    }
    run(env, PREFECT, "work-pool", "create", "lianjie", "--type", "process")
    deployed = run(env, PREFECT, "--no-prompt", "deploy", "--all")
    for name in (
        "quarterly-cycle",
        "daily-dispatch",
        "collect-completions",
        "accountability-reports",
    ):
        assert name in deployed
    form = asyncio.run(run_form(env))
    assert "Quarter 季度" == form["quarter"]["title"]
    assert "YYYYQn" in str(form["quarter"]["description"])
    roster = write_csv(
        tmp_path / "roster.csv", HEADER, with_mistakes(roster_rows(2, 20, date(2026, 10, 1)))
    )
    worker = subprocess.Popen(
        [PREFECT, "worker", "start", "--pool", "lianjie"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        state, keys = asyncio.run(
            start_and_wait(env, {"quarter": "2026Q4", "roster": str(roster), "as_of": "2026-10-01"})
        )
        assert "COMPLETED" == state
        assert {"cycle-2026q4", "roster-rejects-2026q4"} <= set(keys.split(","))

        bad, _ = asyncio.run(start_and_wait(env, {"quarter": "2026Q5", "roster": str(roster)}))
        assert "FAILED" == bad
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    import sqlite3

    with sqlite3.connect(tmp_path / "data" / "lianjie.db") as connection:
        cadres = connection.execute("SELECT count(*) FROM cadre").fetchone()[0]
        messages = connection.execute("SELECT count(*) FROM message").fetchone()[0]
    assert 40 == cadres
    assert messages > 40
