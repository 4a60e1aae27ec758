"""`lianjie serve`'s surroundings: a Prefect server when none is configured, and a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from core.exceptions import LianjieInputError

START_TIMEOUT = 120  # s: a first start on a loaded 2-core machine sets up its database


@contextmanager
def serving(port: int) -> Iterator[str]:
    """Yield the API URL to serve to: PREFECT_API_URL, or a server started here and stopped at
    the end. SIGTERM is turned into Ctrl-C, so that both stop the same quiet way."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        configured = os.environ.get("PREFECT_API_URL")
        if configured:
            yield configured
            return
        with _prefect_server(port) as api_url:
            os.environ["PREFECT_API_URL"] = api_url
            yield api_url
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def _prefect_server(port: int) -> Iterator[str]:
    api_url = f"http://127.0.0.1:{port}/api"
    env = os.environ | {
        # The UI in a browser asks this address (without it, port 4200 whatever the port).
        "PREFECT_UI_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    prefect = str(Path(sys.executable).with_name("prefect"))
    server = subprocess.Popen(  # noqa: S603  (our own interpreter's prefect, fixed arguments)
        [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # Ctrl-C reaches lianjie, which then stops the server itself
    )
    try:
        _wait_for(api_url, server)
        yield api_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=4)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(api_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            said = (server.stderr.read() if server.stderr else b"").decode(errors="replace")
            last = [line for line in said.splitlines() if line.strip()][-1:] or ["no output"]
            raise LianjieInputError(f"the Prefect server did not start: {last[0]}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.5)
    raise LianjieInputError(
        f"the Prefect server did not answer on {api_url} within {START_TIMEOUT} s: is the port "
        "taken? Give another with --port, or set PREFECT_API_URL to a running server"
    )
