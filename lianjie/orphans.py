"""No process left behind: Prefect's temporary API server dies with the command that started it.

Without a PREFECT_API_URL, a flow run starts a temporary Prefect API server as a child process
and stops it at the end. A command killed with SIGKILL (or by the out-of-memory killer) never
reaches that end, and the server lived on with PPID 1, using CPU. Linux's PR_SET_PDEATHSIG makes
the kernel kill the child when its parent dies, however it dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

PR_SET_PDEATHSIG = 1
# Prefect's settings as every command needs them. Prefect reads its settings once, on first
# import, so these are set before any command body imports a flow (the CLI's callback).
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no calls home
    "DO_NOT_TRACK": "1",  # nor from the client (it says so on stderr)
    # Starting the temporary server on a loaded 2-core machine took more than the default 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def prefect_defaults() -> None:
    """lianjie's Prefect defaults, where the environment does not choose otherwise."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def _die_with_parent() -> None:  # runs in the child, between fork and exec
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def temporary_server_dies_with_us() -> None:
    """Have every temporary Prefect API server this process starts die with it (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    from prefect.server.api import server  # noqa: PLC0415  (only when a command runs flows)

    start = server.SubprocessASGIServer._run_uvicorn_command
    if getattr(start, "dies_with_parent", False):
        return

    def start_dying_with_us(self: Any) -> subprocess.Popen[Any]:
        popen = subprocess.Popen

        def with_death_signal(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
            kwargs.setdefault("preexec_fn", _die_with_parent)
            return popen(*args, **kwargs)

        subprocess.Popen = with_death_signal  # type: ignore[misc,assignment]
        try:
            return start(self)
        finally:
            subprocess.Popen = popen  # type: ignore[misc]

    start_dying_with_us.dies_with_parent = True  # type: ignore[attr-defined]
    server.SubprocessASGIServer._run_uvicorn_command = start_dying_with_us  # type: ignore[method-assign]
