"""A throwaway PostgreSQL cluster for the tests (LIANJIE_TEST_POSTGRES=1): initdb, pg_ctl, a
free loopback port, a fresh database per test; stopped and removed at the end."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

from harness.servers import free_port

# The database tests also run on PostgreSQL when this is set (CI sets it).
POSTGRES = os.environ.get("LIANJIE_TEST_POSTGRES") == "1"


def _binary(name: str) -> str:
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    found = shutil.which(name) or (installed[-1] if installed else None)
    if found is None:
        raise RuntimeError(f"{name} not found: install PostgreSQL (make install does)")
    return found


def _as_owner(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: run them as the postgres system user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A running cluster; `database()` gives the URL of a new empty database."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._numbers = count(1)

    def database(self) -> str:
        import psycopg

        name = f"lianjie_test_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@contextmanager
def cluster(*, durable: bool = False) -> Iterator[Cluster]:
    """A new cluster, stopped and removed on leaving. Tests run it without fsync (nothing
    they write must outlive them); `durable` keeps PostgreSQL's own default, for benchmarks."""
    folder = Path(tempfile.mkdtemp(prefix="lianjie-pg-"))
    data = folder / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(
        _as_owner(
            [
                _binary("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    # Every test database keeps its engine's pool of connections open until the session ends:
    # the default 100 ran out near the end of the suite once it grew past 840 tests.
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"
        " -c max_connections=500"
    )
    if not durable:
        options += " -c fsync=off"
    subprocess.run(
        _as_owner(
            [
                _binary("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(folder / "log"),
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield Cluster(port)
    finally:
        subprocess.run(
            _as_owner([_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
