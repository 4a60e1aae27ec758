"""The reports fanned out against the in-process pool, one worker on this machine: the same
40-unit quarter rendered by an accountability-reports run with chunks=0 and with chunks=4,
both started through a Prefect server and run by one process worker; the times are the flow
runs' own (start to end, from the API). `python -m bench.fanout` (a few minutes);
`python -m bench.fanout --units 400 --per-unit 250 --rounds 1` for a province (about 20)."""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from tests.e2e.test_prefect_server import (
    LOCKED,
    PREFECT,
    ROOT,
    api,
    deployment_id,
    run,
    wait_for_end,
)
from tests.e2e.test_scale_out import kill_worker
from tests.pipeline import run_cycle, write_city
from tests.servers import prefect_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--per-unit", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, alternated")
    asked = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lianjie-fanout-"))
    data = folder / "data"
    os.environ["LIANJIE_DATA_DIR"] = str(data)
    os.environ["LIANJIE_DATABASE_URL"] = f"sqlite:///{data / 'lianjie.db'}"
    city = write_city(folder, units=asked.units, per_unit=asked.per_unit)
    run_cycle(os.environ["LIANJIE_DATABASE_URL"], city, data)
    with prefect_server(folder / "prefect", PREFECT_WORKER_QUERY_SECONDS="1", **LOCKED) as env:
        env |= {k: v for k, v in os.environ.items() if k.startswith("LIANJIE_")}
        run(env, PREFECT, "work-pool", "create", "lianjie", "--type", "process")
        run(env, PREFECT, "--no-prompt", "deploy", "--all")
        worker = subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", "lianjie"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            reports = deployment_id(env, "accountability-reports")
            for chunks in (0, 4) * asked.rounds:
                started = api(
                    env,
                    f"/deployments/{reports}/create_flow_run",
                    {
                        "parameters": {
                            "quarter": "2026Q4",
                            "as_of": "2026-11-20",
                            "out": str(folder / f"out-{chunks}"),
                            "chunks": chunks,
                        }
                    },
                )
                # 2 s a PDF on 2 cores when mid-quarter reports run long, and room for 2x that
                ended = wait_for_end(env, started["id"], limit=max(900, 4 * 2 * asked.units))
                seconds = (
                    datetime.fromisoformat(ended["end_time"])
                    - datetime.fromisoformat(ended["start_time"])
                ).total_seconds()
                print(f"chunks={chunks}: {ended['state']['type']} in {seconds:.1f} s", flush=True)
        finally:
            kill_worker(worker)


if __name__ == "__main__":
    main()
