"""What a command shows while it works: bars on a terminal, log lines elsewhere, or nothing.

On a terminal each long stage of the flow it runs (flows/progress.py) gets a bar — what it is
doing, done of total, the rate and the time left — and Prefect's log lines below WARNING give
way to them. Piped, under `--json` or `--verbose`, the log lines stay as they are (a line
every tenth of a stage says how far it is). `--quiet` leaves only the final summary.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, TextIO

from prefect.logging.handlers import PrefectConsoleHandler
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from flows import progress


class Shown(StrEnum):
    bars = "bars"
    lines = "lines"
    summary = "summary"


def shown(*, json_: bool, quiet: bool, verbose: bool, stream: TextIO | None = None) -> Shown:
    """Bars only where a person watches a terminal and nothing else is asked for."""
    if quiet:
        return Shown.summary
    if json_ or verbose or not (stream or sys.stderr).isatty():
        return Shown.lines
    return Shown.bars


class Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f}/s" if speed else "", style="progress.data.speed")


class _Forgiving:
    """The terminal as a file that a closed terminal cannot break: a write that fails is
    dropped (the work goes on), and so is every write after it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.broken = stream, False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                return self.stream.write(text)
            except (OSError, ValueError):
                self.broken = True
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self.stream.flush()
            except (OSError, ValueError):
                self.broken = True

    def isatty(self) -> bool:
        return not self.broken and self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class Bar:
    """A stage's bar; told at most ten times a second (the screen redraws as often)."""

    def __init__(self, bars: Progress, doing: str, total: int) -> None:
        self.bars, self.task = bars, bars.add_task(doing, total=total)
        self.told_at, self.doing = 0.0, doing

    def moved(self, doing: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.told_at < 0.1 and done < total and doing == self.doing:
            return
        self.told_at, self.doing = now, doing
        self.bars.update(self.task, completed=done, total=total, description=doing)

    def ended(self, doing: str, done: int, total: int) -> None:
        self.bars.update(self.task, completed=done, total=total, description=doing)
        self.bars.stop_task(self.task)


class _AtLeast(logging.Filter):
    """Lets through only records at `level` or above."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


def _console_handlers() -> list[logging.Handler]:
    handlers = logging.getLogger("prefect").handlers + logging.getLogger().handlers
    return [h for h in handlers if isinstance(h, PrefectConsoleHandler)]


@contextmanager
def showing(mode: Shown) -> Iterator[None]:
    """Set the terminal up for the command's run, and back afterwards."""
    if mode is Shown.lines:
        yield
        return
    handlers = _console_handlers()
    hidden = _AtLeast(logging.ERROR if mode is Shown.summary else logging.WARNING)
    for handler in handlers:
        handler.addFilter(hidden)
    if mode is Shown.summary:
        try:
            yield
        finally:
            for handler in handlers:
                handler.removeFilter(hidden)
        return
    console = Console(file=_Forgiving(sys.stderr), stderr=True)  # type: ignore[arg-type]
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        Rate(),
        TimeRemainingColumn(),
        console=console,
        redirect_stdout=False,  # the summary and --json belong to stdout alone
        redirect_stderr=False,
    )
    # Warnings print above the bars, through the same console.
    consoles = [(h, h.console) for h in handlers]  # type: ignore[attr-defined]
    for handler, _ in consoles:
        handler.console = console  # type: ignore[attr-defined]
    progress.TERMINALS.append(lambda doing, total: Bar(bars, doing, total))
    bars.start()
    try:
        yield
    finally:
        bars.stop()
        progress.TERMINALS.clear()
        for handler, earlier in consoles:
            handler.console = earlier  # type: ignore[attr-defined]
            handler.removeFilter(hidden)
