"""The command line as a user runs it: a real process, its exit code, stdout and stderr."""

from __future__ import annotations

import json
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


# Run as `python -c`: each command of a list in turn, in one process, the way `python -m
# lianjie.cli` runs it alone. Output goes through one stream per side that stays open (Prefect's
# log handler keeps the stream it first saw), emptied into each command's result; an exception
# that escapes a command is printed to its stderr as the interpreter would print it.
EACH_IN_TURN = """
import io, json, sys, traceback

class Tap(io.TextIOWrapper):
    def __init__(self):
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)
    def take(self):
        self.flush()
        text = self.buffer.getvalue().decode()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text

commands, real = json.loads(sys.stdin.read()), sys.stdout
sys.stdout, sys.stderr = out, err = Tap(), Tap()
from lianjie.cli import app

done = []
for args in commands:
    try:
        app(args=args, prog_name="lianjie")
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if isinstance(stop.code, str):
            err.write(stop.code + "\\n")
    except BaseException:
        traceback.print_exc()
        code = 1
    done.append({"args": args, "code": code, "out": out.take(), "err": err.take()})
real.write(json.dumps(done) + "\\n")
"""


def lianjie_each(
    *commands: list[str], api: str | None = None, env: dict[str, str] | None = None
) -> list[subprocess.CompletedProcess[str]]:
    """Several commands in turn, each as `lianjie` would run it, in one process: Python and
    Prefect are imported once instead of once per command (about 4 s each on this machine).
    What one command writes reaches the next through the database and files, as between
    processes; for commands that start no flow run, or all against one server (`api`)."""
    env = (os.environ if env is None else env) | ({"PREFECT_API_URL": api} if api else {})
    ran = subprocess.run(
        [sys.executable, "-c", EACH_IN_TURN],
        input=json.dumps(commands),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        env=env,
    )
    return [
        subprocess.CompletedProcess(c["args"], c["code"], c["out"], c["err"])
        for c in json.loads(ran.stdout)
    ]
