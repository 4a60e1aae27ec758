"""Locks that make two runs on one database take turns: advisory (PostgreSQL) or a file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection


def lock_key(name: str) -> int:
    """The 64-bit advisory-lock key PostgreSQL knows the lock `name` by."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock_path(url: URL, name: str) -> Path | None:
    """The file that stands for the lock `name` beside a SQLite database (none in memory)."""
    if url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}.{hashlib.sha256(name.encode()).hexdigest()[:12]}.lock")


@contextmanager
def advisory_lock(
    connection: Connection, name: str, on_wait: Callable[[], None] = lambda: None
) -> Iterator[None]:
    """Hold PostgreSQL's session-level advisory lock `name` on this connection for the block."""
    key = lock_key(name)
    if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
        on_wait()
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
    try:
        yield
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.commit()


@contextmanager
def file_lock(path: Path | None, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold the lock file `path` for the block; `on_wait` is called once if another holds it."""
    if path is None:  # an in-memory database belongs to one process: nobody to wait for
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path)
    try:
        # One attempt first: only a run that really waits says so.
        lock.acquire(blocking=False)
    except Timeout:
        on_wait()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
