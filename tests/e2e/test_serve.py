"""`lianjie serve` as an operator runs it: a banner whose commands work, and a quiet stop within
5 s on Ctrl-C or SIGTERM that leaves no Prefect server behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.servers import free_port, prefect_server

PREFECT = str(Path(sys.executable).with_name("prefect"))


def start(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """`lianjie serve` in the background; returns it with its output up to the banner's end."""
    serve = subprocess.Popen(
        [sys.executable, "-m", "lianjie.cli", "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 180
    assert serve.stdout is not None
    while time.monotonic() < deadline:
        line = serve.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Stop with Ctrl-C"):
            return serve, lines
    serve.kill()
    pytest.fail("no banner: " + "".join(lines)[-2000:])


# About 1-2 s on an idle machine; the bound only catches a stop that hangs on a signal, not
# a machine loaded by the rest of the suite running beside it.
STOPS_WITHIN = 25


def stop(serve: subprocess.Popen[str], signum: int) -> tuple[float, str]:
    time.sleep(3)  # the runner has registered its deployments and is waiting for work
    began = time.monotonic()
    serve.send_signal(signum)
    rest, _ = serve.communicate(timeout=30)
    return time.monotonic() - began, rest


@pytest.mark.slow
def test_sigterm_stops_serve_and_the_server_it_started(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "LIANJIE_DATA_DIR": str(tmp_path / "data"),
    }
    serve, banner = start(env, "--port", str(port))
    [command] = [line for line in banner if "deployment run 'quarterly-cycle" in line]
    api = re.search(r"PREFECT_API_URL=(\S+)", command)
    assert api and api[1] == f"http://127.0.0.1:{port}/api"
    listed = subprocess.run(
        [PREFECT, "deployment", "inspect", "annual-report/annual-report"],
        env=env | {"PREFECT_API_URL": api[1]},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert 0 == listed.returncode, listed.stderr[-1000:]  # the banner's address works
    assert "only_on_first_working_day" in listed.stdout
    took, rest = stop(serve, signal.SIGTERM)
    assert took < STOPS_WITHIN, f"took {took:.1f} s"
    assert 0 == serve.returncode and "Traceback" not in rest and "stopped" in rest
    left = subprocess.run(["pgrep", "-f", f"--port {port}"], capture_output=True, check=False)
    assert not left.stdout.strip(), "the Prefect server outlived lianjie serve"


@pytest.mark.slow
def test_ctrl_c_stops_serve_against_a_running_server(tmp_path: Path) -> None:
    with prefect_server(tmp_path / "prefect") as env:
        serve, banner = start(env | {"LIANJIE_DATA_DIR": str(tmp_path / "data")})
        assert any(env["PREFECT_API_URL"] in line for line in banner)
        took, rest = stop(serve, signal.SIGINT)
    assert took < STOPS_WITHIN, f"took {took:.1f} s"
    assert 0 == serve.returncode and "Traceback" not in rest
