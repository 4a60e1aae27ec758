"""The command line as a user runs it: a real process, its exit code, stdout and stderr."""

from __future__ import annotations

import os
import subprocess
import sys


def lianjie(
    *args: str, api: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process's environment, or in `env`; with `api`, against
    that Prefect server instead of a temporary one."""
    env = (os.environ if env is None else env) | ({"PREFECT_API_URL": api} if api else {})
    return subprocess.run(
        [sys.executable, "-m", "lianjie.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
