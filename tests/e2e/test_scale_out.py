"""Scale out on Prefect, for real: a Prefect server on PostgreSQL, the lianjie process pool, two
workers, `prefect deploy --all` from the checkout; a 30-unit quarter's reports fanned out in 4
chunks over both workers, one worker killed mid-run with its flow runs (SIGKILL to its process
group and children), and the run still completes with every PDF once."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from core.documents import document_id
from harness.pipeline import run_cycle, write_city
from harness.postgres import cluster
from harness.prefect_api import (
    LOCKED,
    PREFECT,
    ROOT,
    api,
    deployment_id,
    kill_worker,
    run,
    wait_for_end,
)
from harness.servers import prefect_server

QUARTER = "2026Q4"
PASSWORD = "Admonition#Sealed-2026"  # LIANJIE_CONFIDENTIAL_PASSWORD on the workers only


def took(log: Path, run_id: str) -> bool:
    """Whether the worker writing `log` took the flow run (both try; one is refused)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return (
        f"submitting flow run '{run_id}'" in text
        and f"Aborted submission of flow run '{run_id}'" not in text
    )


def runs_named(env: dict[str, str], prefix: str) -> list[dict[str, Any]]:
    runs = api(env, "/flow_runs/filter", {"sort": "EXPECTED_START_TIME_DESC", "limit": 200})
    return [r for r in runs if r["name"].startswith(prefix)]


@pytest.fixture
def pool(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A locked Prefect server on PostgreSQL, the deployments, a 30-unit quarter in a SQLite
    database both workers reach, and two process workers with their logs."""
    with ExitStack() as stack:
        postgres = stack.enter_context(cluster())
        database = postgres.database().replace("+psycopg", "+asyncpg")
        env = stack.enter_context(
            prefect_server(
                tmp_path / "prefect",
                PREFECT_SERVER_DATABASE_CONNECTION_URL=database,
                PREFECT_WORKER_QUERY_SECONDS="1",
                PREFECT_WORKER_PREFETCH_SECONDS="5",
                # heartbeats every 30 s (Prefect's least): a silent run is crashed after 90 s
                PREFECT_FLOWS_HEARTBEAT_FREQUENCY="30",
                **LOCKED,
            )
        )
        data = tmp_path / "data"
        env |= {
            "LIANJIE_DATA_DIR": str(data),
            "LIANJIE_DATABASE_URL": os.environ["LIANJIE_DATABASE_URL"],
            "LIANJIE_CONFIDENTIAL_PASSWORD": PASSWORD,
            # the shared folder, served: each report is linked from the run
            "LIANJIE_OUTPUT_DIR": str(tmp_path / "shared"),
            "LIANJIE_REPORTS_URL": "https://reports.example/lianjie",
            # the parent's own bound, far above the heartbeat automation's 90 s and a chunk's
            # 30-60 s here
            "LIANJIE_CHUNK_DEADLINE_SECONDS": "300",
        }
        run_cycle(env["LIANJIE_DATABASE_URL"], write_city(tmp_path, units=30, per_unit=20), data)
        run(env, PREFECT, "work-pool", "create", "lianjie", "--type", "process")
        run(env, PREFECT, "--no-prompt", "deploy", "--all")
        workers = {}
        for name in ("worker-a", "worker-b"):
            log = (tmp_path / f"{name}.log").open("w")
            stack.callback(log.close)
            # its own process group, so that the test can kill it with its flow runs
            worker = subprocess.Popen(
                [PREFECT, "worker", "start", "--pool", "lianjie", "--name", name, "--limit", "3"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            stack.callback(lambda w=worker: w.poll() is None and kill_worker(w))
            workers[name] = (worker, tmp_path / f"{name}.log")
        yield {"env": env, "workers": workers, "out": tmp_path / "shared" / QUARTER}


@pytest.mark.slow
def test_reports_fan_out_over_two_workers_and_survive_a_killed_one(
    pool: dict[str, Any],
) -> None:
    """4 chunks over two workers; the worker not running the parent is killed with its chunk
    running; Prefect's heartbeat automation marks that chunk Crashed, the parent runs it again,
    and every PDF is there once, recorded once, the confidential list encrypted."""
    env, workers, out = pool["env"], pool["workers"], pool["out"]
    started = time.monotonic()
    parent = api(
        env,
        f"/deployments/{deployment_id(env, 'accountability-reports')}/create_flow_run",
        {
            "parameters": {
                "quarter": QUARTER,
                "as_of": "2026-11-20",
                "out": str(out),
                "chunks": 4,
                "allow_future": True,
            }
        },
    )

    # Wait for a chunk running on the worker that does not run the parent, then kill that one.
    victim = None
    deadline = time.monotonic() + 180
    while victim is None and time.monotonic() < deadline:
        time.sleep(1)
        now = api(env, "/flow_runs/filter", {"flow_runs": {"id": {"any_": [parent["id"]]}}})[0]
        assert now["state_type"] in {"SCHEDULED", "PENDING", "RUNNING"}, now["state"]
        runner = [n for n, (_, log) in workers.items() if took(log, parent["id"])]
        for chunk in runs_named(env, f"{QUARTER}-chunk-"):
            other = [n for n in workers if n not in runner]
            if (
                runner
                and other
                and chunk["state_type"] == "RUNNING"
                and took(workers[other[0]][1], chunk["id"])
                and chunk["start_time"]
            ):
                victim = (other[0], chunk)
    assert victim is not None, "no chunk ran on the worker without the parent within 180 s"
    time.sleep(3)  # its first heartbeat reaches the server
    name, chunk = victim
    kill_worker(workers[name][0])
    killed_at = time.monotonic() - started

    ended = wait_for_end(env, parent["id"], limit=480)
    total = time.monotonic() - started
    assert "COMPLETED" == ended["state"]["type"], ended["state"]
    # a link to each report on the run (issue 39, item 3), none to the confidential list
    shown = api(env, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [parent["id"]]}}})
    # Prefect 3.9 stores a link artifact as markdown: [text](link)
    opened = sorted(
        re.sub(
            r"^\[.*\]\(https://reports\.example/lianjie/documents/(.*)\)$", r"\1", str(a["data"])
        )
        for a in shown
        if a["type"] == "markdown" and str(a["data"]).startswith("[")
    )
    # each on the reports site, by id (`lianjie web` serves it to its readers only)
    expected = sorted(
        [document_id(QUARTER, "unit", f"U{n:04d}", "zh") for n in range(1, 31)]
        + [document_id(QUARTER, "summary", "", "zh")]
    )
    assert expected == opened  # 30 units and the summary, once each
    assert document_id(QUARTER, "confidential", "", "zh") not in opened

    chunks = runs_named(env, f"{QUARTER}-chunk-")
    killed = next(r for r in chunks if r["id"] == chunk["id"])
    assert "CRASHED" == killed["state_type"], f"the killed chunk is {killed['state_type']}"
    again = [r for r in chunks if r["name"].endswith("-try-2")]
    assert again, f"no chunk was run again: {[r['name'] for r in chunks]}"
    completed = {r["name"].split("-try-")[0] for r in chunks if r["state_type"] == "COMPLETED"}
    assert 4 == len(completed), [(r["name"], r["state_type"]) for r in chunks]
    for worker, (_, log) in workers.items():
        assert any(took(log, r["id"]) for r in chunks), f"{worker} ran no chunk"

    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert 32 == len(pdfs), pdfs  # 30 units, the summary, the confidential list
    assert 1 == len([p for p in pdfs if p.startswith("confidential/")]), pdfs
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert [] == leftovers, "a killed render left a temporary file behind"
    from pypdf import PdfReader

    assert PdfReader(next(out.glob("confidential/*.pdf"))).is_encrypted
    with sqlite3.connect(env["LIANJIE_DATABASE_URL"].removeprefix("sqlite:///")) as connection:
        rows = connection.execute(
            "SELECT kind, path FROM report WHERE quarter = ?", (QUARTER,)
        ).fetchall()
    assert 32 == len(rows)
    assert sorted(str(out / p) for p in pdfs) == sorted(path for _, path in rows)
    every_run = api(env, "/flow_runs/filter", {"limit": 200})
    assert PASSWORD not in str([r["parameters"] for r in every_run])
    print(
        f"\nfan-out: killed {name} at {killed_at:.0f} s; run completed after {total:.0f} s; "
        f"crashed chunk: {killed['state']['message']!r}; chunk runs: {len(chunks)}"
    )
