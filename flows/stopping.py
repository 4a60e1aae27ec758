"""A stop that waits for the one thing that must not be cut in half."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def finishing_first() -> Iterator[None]:
    """Hold SIGTERM until the block is done, then let it take effect as it would have.

    A message being handed to its channel is either accepted and marked sent, or not begun:
    stopped between the two, it was delivered but stayed claimed, and went again once the
    claim timed out. A worker stopping, systemd or `docker stop` sends SIGTERM; in a flow run
    Prefect's handler then ends the run Crashed, just one message later. Signal handlers belong
    to the main thread: elsewhere the block runs unguarded.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    previous = signal.signal(signal.SIGTERM, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if held:
            signal.raise_signal(signal.SIGTERM)
