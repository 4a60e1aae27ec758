"""`lianjie worker`: Prefect's process worker, stopped so that no run is lost.

Prefect's worker turns SIGTERM into a cancellation that kills its runs' processes outright
(PrefectHQ/prefect#9530): a run stopped that way never says so and stays Running in the UI,
and the message it was sending stays claimed. Here the runs are asked to stop first, as
Prefect's engine expects (SIGTERM: the run ends Crashed with the reason, after the message in
flight is marked), and the worker only after them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from core.exceptions import LianjieInputError

# Seconds the runs in flight have to stop on their own before they are killed. A message being
# sent has the SMTP timeout's 30 s at worst; with the worker's own stop, all is over in 30 s.
GRACE_SECONDS = 25
WORKER_STOP_SECONDS = 4


def work(pool: str, queues: list[str], limit: int | None = None) -> int:
    """Run a worker on `pool` until it exits or this process is told to stop; its exit code."""
    if not os.environ.get("PREFECT_API_URL"):
        raise LianjieInputError(
            "a worker takes its runs from a Prefect server: set PREFECT_API_URL "
            "(see docs/server.md)"
        )
    command = [str(Path(sys.executable).with_name("prefect")), "worker", "start", "--pool", pool]
    for queue in queues:
        command += ["--work-queue", queue]
    if limit:
        command += ["--limit", str(limit)]
    asked = threading.Event()

    def ask_to_stop(signum: int, frame: FrameType | None) -> None:
        asked.set()

    previous = {s: signal.signal(s, ask_to_stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        # A session of its own: a Ctrl-C in the terminal reaches lianjie, not the worker.
        worker = subprocess.Popen(command, start_new_session=True)  # noqa: S603 (fixed arguments)
        while worker.poll() is None and not asked.wait(0.5):
            pass
        if worker.poll() is not None:
            return worker.returncode
        stop(worker)
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop(worker: subprocess.Popen[bytes]) -> None:
    """The runs in flight first, each ending in a state the UI shows; then the worker."""
    started = time.monotonic()
    os.kill(worker.pid, signal.SIGSTOP)  # no new run is taken while these stop
    runs = children(worker.pid)
    say(f"stopping: {len(runs)} run(s) in flight asked to stop")
    for pid in runs:
        send(pid, signal.SIGTERM)
    deadline = started + GRACE_SECONDS
    while any(alive(pid) for pid in runs) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in [pid for pid in runs if alive(pid)]:
        say(f"run process {pid} did not stop in {GRACE_SECONDS} s: killed")
        send(pid, signal.SIGKILL)
    os.kill(worker.pid, signal.SIGTERM)
    os.kill(worker.pid, signal.SIGCONT)
    try:
        worker.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    say(f"stopped in {time.monotonic() - started:.1f} s")


def children(pid: int) -> list[int]:
    """The processes `pid` started: a process worker's runs."""
    return _parents().get(pid, [])


def descendants(pid: int) -> list[int]:
    """Every process under `pid`: children, grandchildren…"""
    parents, found, todo = _parents(), [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _parents() -> dict[int, list[int]]:
    """Each process's children, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        stat = _stat(int(entry.name)) if entry.name.isdigit() else None
        if stat:
            parents.setdefault(int(stat[1]), []).append(int(entry.name))
    return parents


def alive(pid: int) -> bool:
    """Still running: a run that ended waits as a zombie until the stopped worker reaps it."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def send(pid: int, signum: int) -> None:
    """Signal a run's process, and its own processes when it leads a group (Prefect starts
    runs that way, so that a stop reaches everything the run started)."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _stat(pid: int) -> list[str] | None:
    """The state and parent of a process from /proc, or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[:2]


def say(line: str) -> None:
    print(f"lianjie worker: {line}", file=sys.stderr, flush=True)
