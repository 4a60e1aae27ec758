"""A locked Prefect server as an operator and the UI reach it: its REST API signed in (basic
auth and a CSRF token), deployments found by name, flow runs waited for, and a worker killed
as the out-of-memory killer would."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from lianjie.worker import descendants

ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))
AUTH = "lianjie-operator:Door#Locked-2026"  # user:password, as PREFECT_SERVER_API_AUTH_STRING
LOCKED = {
    "PREFECT_SERVER_API_AUTH_STRING": AUTH,
    "PREFECT_SERVER_CSRF_PROTECTION_ENABLED": "true",
    "PREFECT_API_AUTH_STRING": AUTH,  # every client: prefect deploy, the worker, its flow runs
}


def run(env: dict[str, str], *command: str) -> str:
    result = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert 0 == result.returncode, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def signed_in(env: dict[str, str]) -> dict[str, str]:
    """The headers the UI sends once an operator has signed in: the auth string, and a CSRF
    token it asked the server for (a change request without one is refused)."""
    authorization = {"Authorization": "Basic " + base64.b64encode(AUTH.encode()).decode()}
    client = "lianjie-tests"
    request = urllib.request.Request(
        env["PREFECT_API_URL"] + f"/csrf-token?client={client}", headers=authorization
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        token = json.loads(response.read())["token"]
    return authorization | {"Prefect-Csrf-Token": token, "Prefect-Csrf-Client": client}


def api(
    env: dict[str, str],
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """A call to the server's REST API, as the UI makes it (signed in unless `headers`)."""
    request = urllib.request.Request(
        env["PREFECT_API_URL"] + path,
        data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json"}
        | (signed_in(env) if headers is None else headers),
    )
    for attempt in range(20):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            # a SQLite-backed server answers 503 while its database is busy: the UI retries too
            if error.code != 503 or attempt == 19:
                raise
            time.sleep(1)
    return None


def deployment_id(env: dict[str, str], name: str) -> str:
    found = api(env, "/deployments/filter", {"deployments": {"name": {"any_": [name]}}})
    return str(found[0]["id"])


def flow_runs(env: dict[str, str]) -> list[dict[str, Any]]:
    return list(api(env, "/flow_runs/filter", {"sort": "EXPECTED_START_TIME_DESC"}))


ENDED = frozenset({"COMPLETED", "FAILED", "CRASHED"})


def wait_for_end(
    env: dict[str, str], run_id: str, limit: float = 300, until: frozenset[str] = ENDED
) -> dict[str, Any]:
    """The flow run once its state is one of `until` (by default, once it has ended)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            env["PREFECT_API_URL"] + f"/flow_runs/{run_id}",
            headers={"Authorization": "Basic " + base64.b64encode(AUTH.encode()).decode()},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            flow_run = json.loads(response.read())
        if flow_run["state"] and flow_run["state"]["type"] in until:
            return flow_run
        time.sleep(1)
    pytest.fail(f"flow run {run_id} did not reach {sorted(until)} within {limit} s")


def kill_worker(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the worker's process group and to every process under it (a flow run's
    process may sit in a session of its own): nobody is left to report anything."""
    tree = descendants(worker.pid)
    os.killpg(worker.pid, signal.SIGKILL)
    for pid in tree:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=30)


def artifact_as_shown(key: str | None, description: str | None, data: object) -> str:
    """An artifact as the UI's Artifacts page shows it. A table is stored as JSON with its
    Chinese escaped (\\u8b66), which a search for 警示教育 or a person's name never finds."""
    if isinstance(data, str):
        with suppress(ValueError):
            data = json.loads(data)
    shown = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, default=str)
    return f"{key} {description} {shown}"
