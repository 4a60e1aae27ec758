"""Locks that make two runs on one database take turns: advisory (PostgreSQL) or a file."""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection


def lock_key(name: str) -> int:
    """The 64-bit advisory-lock key PostgreSQL knows the lock `name` by."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock_path(url: URL) -> Path | None:
    """The one file that holds every lock of a SQLite database, beside it (none in memory)."""
    if url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}.lock")


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
def file_lock(
    path: Path | None, name: str, on_wait: Callable[[], None] = lambda: None
) -> Iterator[None]:
    """Hold the lock `name` in the lock file `path` for the block; `on_wait` is called once if
    another holds it.

    Every name is a byte of the one file, locked with fcntl (a lock file per name left one
    more file beside the database for every quarter). Such a lock belongs to the process, so
    threads take turns on a thread lock first; and the file stays open for the life of the
    process, as closing any descriptor of it would drop the process's locks.
    """
    if path is None:  # an in-memory database belongs to one process: nobody to wait for
        yield
        return
    offset = lock_key(name) & 0x7FFF_FFFF
    in_process = _thread_lock(path, offset)
    waited = not in_process.acquire(blocking=False)
    if waited:
        on_wait()
        in_process.acquire()
    try:
        descriptor = _descriptor(path)
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
        except OSError:
            if not waited:
                on_wait()
            fcntl.lockf(descriptor, fcntl.LOCK_EX, 1, offset)
        try:
            yield
        finally:
            fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, offset)
    finally:
        in_process.release()


_guard = threading.Lock()
_thread_locks: dict[tuple[Path, int], threading.Lock] = {}
_descriptors: dict[Path, int] = {}


def _thread_lock(path: Path, offset: int) -> threading.Lock:
    with _guard:
        return _thread_locks.setdefault((path.resolve(), offset), threading.Lock())


def _descriptor(path: Path) -> int:
    with _guard:
        key = path.resolve()
        if key not in _descriptors:
            path.parent.mkdir(parents=True, exist_ok=True)
            _descriptors[key] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return _descriptors[key]
