"""The reports fanned out against the in-process pool, one worker on this machine: the same
40-unit quarter rendered by an accountability-reports run with chunks=0 and with chunks=4 (or
each count given by --chunks, e.g. 2,4), all started through a Prefect server and run by one
process worker; the times are the flow runs' own (start to end, from the API).
`python -m bench.fanout` (a few minutes);
`python -m bench.fanout --units 400 --per-unit 250 --rounds 1` for a province (about 20)."""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.pipeline import run_cycle, write_city
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


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its descendants, live or ended (ended ones once waited for)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rpartition(")")[2].split()
            # a child started from any of the process's threads
            children = [
                child
                for task in Path(f"/proc/{current}/task").iterdir()
                for child in (task / "children").read_text().split()
            ]
        except OSError:
            continue  # ended between the two reads: its time is in its parent's now
        total += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
        pending += [int(child) for child in children]
    return total


def server_pid(env: dict[str, str]) -> int:
    """The `prefect server start` process serving this environment's API."""
    port = env["PREFECT_API_URL"].rsplit(":", 1)[1].split("/")[0]
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                words = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"server" in words and port.encode() in words:
                return int(proc.name)
    raise RuntimeError("no Prefect server process found")


def pace(folder: Path, ended: dict[str, Any]) -> str:
    """When the PDFs landed, in seconds from the run's start: the first, each quarter of them,
    and the last. A slow start or a long tail shows as idle cores, a steady slower pace as
    costlier PDFs."""
    start = datetime.fromisoformat(ended["start_time"]).timestamp()
    landed = sorted(p.stat().st_mtime - start for p in folder.rglob("*.pdf"))
    if not landed:
        return "no PDFs"
    marks = [landed[0]] + [landed[len(landed) * q // 4 - 1] for q in (1, 2, 3, 4)]
    return f"{len(landed)} PDFs landed at " + " / ".join(f"{m:.0f}" for m in marks) + " s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--per-unit", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, alternated")
    parser.add_argument(
        "--chunks", default="4", help="the chunk counts run against chunks=0, e.g. 2,4"
    )
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
            server = server_pid(env)
            counts = [int(c) for c in asked.chunks.split(",")]
            for chunks in [0, *counts] * asked.rounds:
                cpu_before = cpu_seconds(server), cpu_seconds(worker.pid)
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
                time.sleep(3)  # the worker waits for the ended flow run's process
                server_cpu = cpu_seconds(server) - cpu_before[0]
                worker_cpu = cpu_seconds(worker.pid) - cpu_before[1]
                print(
                    f"chunks={chunks}: {ended['state']['type']} in {seconds:.1f} s;"
                    f" CPU: Prefect server {server_cpu:.1f} s, worker and runs {worker_cpu:.1f} s;"
                    f" {pace(folder / f'out-{chunks}', ended)}",
                    flush=True,
                )
        finally:
            kill_worker(worker)


if __name__ == "__main__":
    main()
