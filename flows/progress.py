"""How far a long stage has got, told to whoever is watching it.

Rendering 400 reports takes minutes; dispatching 100,000 e-mails too. Whoever watches should see
how far along the work is and when it will end: the operator in the Prefect UI (a progress
artifact that moves), the person at a terminal (a bar, from the command line), and whoever
reads the run's log later (a line every so often). A stage says what it is doing and advances;
the watchers decide how often to tell, so that telling never costs the stage its time, and a
watcher that fails (a server gone, a terminal closed) never stops the work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Protocol, TypeVar, cast
from uuid import UUID

from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.context import FlowRunContext, TaskRunContext

from flows.artifact_tables import artifact_key
from flows.common import log, settings
from reports.render import labels

T = TypeVar("T")


class Watcher(Protocol):
    def moved(self, doing: str, done: int, total: int) -> None: ...

    def ended(self, doing: str, done: int, total: int) -> None: ...


# Set by the command line while it shows bars on a terminal: makes one watcher per stage.
TERMINALS: list[Callable[[str, int], Watcher]] = []


class Stage:
    """A long piece of work: `total` steps, `done` so far. Thread-safe: the chunks of a stage
    finish in several threads."""

    def __init__(self, doing: str, total: int, watchers: list[Watcher]) -> None:
        self.doing, self.total, self.done = doing, max(total, 0), 0
        self._watchers = watchers
        self._lock = threading.Lock()

    def advance(self, steps: int = 1, *, doing: str | None = None) -> None:
        with self._lock:
            self.done = min(self.done + steps, self.total)
            if doing is not None:
                self.doing = doing
            for watcher in self._watchers:
                _told(watcher.moved, self.doing, self.done, self.total)

    def each(self, items: Iterable[T]) -> Iterator[T]:
        """The items, one step each: a step is done when the loop's body is (or `continue`s)."""
        for item in items:
            yield item
            self.advance()

    def end(self) -> None:
        with self._lock:
            for watcher in self._watchers:
                _told(watcher.ended, self.doing, self.done, self.total)


@contextmanager
def stage(doing: str, total: int, *, key: str = "") -> Iterator[Stage]:
    """A stage watched by the Prefect UI (when in a run, as the progress artifact `key`), the
    terminal (when the command line shows bars) and the log."""
    watchers: list[Watcher] = [LogLines()]
    if key and (FlowRunContext.get() or TaskRunContext.get()):
        watchers.append(ProgressArtifact(key, doing, settings().lang.value))
    watchers += [make(doing, total) for make in TERMINALS]
    work = Stage(doing, total, watchers)
    try:
        yield work
    finally:
        work.end()


def _told(tell: Callable[[str, int, int], None], doing: str, done: int, total: int) -> None:
    with suppress(Exception):  # a watcher that fails never stops the work it watches
        tell(doing, done, total)


class LogLines:
    """A line in the run's log every tenth of the way, or every 15 seconds: where it is, how
    fast it goes, and how long it has left."""

    EVERY_SECONDS = 15.0

    def __init__(self) -> None:
        self.started = self.told_at = time.monotonic()
        self.told_done = 0

    def moved(self, doing: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and (
            done - self.told_done < total / 10 and now - self.told_at < self.EVERY_SECONDS
        ):
            return
        self.told_at, self.told_done = now, done
        log().info("%s", progress_line(doing, done, total, now - self.started))

    def ended(self, doing: str, done: int, total: int) -> None:
        if done != self.told_done:
            self.moved(doing, total if done == total else done, total)


def progress_line(doing: str, done: int, total: int, seconds: float, lang: str = "en") -> str:
    """'rendering reports: 125 of 402 (31 %), 2.3 a second, about 2 min left', or the same in
    Chinese for a card an operator reads in LIANJIE_LANG (the log stays in English)."""
    words: dict[str, str] = labels(lang)["artifact"]["progress"]
    line = words["line"].format(
        doing=doing_said(doing, lang),
        done=f"{done:,}",
        total=f"{total:,}",
        percent=100 * done // max(total, 1),
    )
    if done and seconds > 0:
        rate = done / seconds
        line += words["rate"].format(rate=f"{rate:,.1f}" if rate < 100 else f"{rate:,.0f}")
        if done < total:
            line += words["left"].format(left=_duration((total - done) / rate, words))
    return line


def doing_said(doing: str, lang: str) -> str:
    """What a stage is doing, in `lang` (the code's English words where no other are given)."""
    return str(labels(lang)["artifact"]["progress"]["doing"].get(doing, doing))


def _duration(seconds: float, words: dict[str, str]) -> str:
    if seconds < 60:
        return str(words["seconds"]).format(n=max(int(seconds), 1))
    if seconds < 3600:
        return str(words["minutes"]).format(n=round(seconds / 60))
    return str(words["hours"]).format(n=f"{seconds / 3600:.1f}")


# (flow run, key) -> its progress card: one per stage and run
_CARDS: dict[tuple[UUID | None, str], UUID] = {}


class ProgressArtifact:
    """A progress artifact in the Prefect UI, in the operator's language, updated every few
    seconds and at the end: each update is a call to the server, a few milliseconds. A stage
    begun again in the same run (a run that paused to ask its operator) moves the same card:
    a second one would stay behind where the first attempt stopped."""

    EVERY_SECONDS = 3.0

    def __init__(self, key: str, doing: str, lang: str) -> None:
        self.lang = lang
        self.id = self._card(key, doing_said(doing, lang))
        self.started = self.told_at = time.monotonic()
        self.told = 0.0

    @staticmethod
    def _card(key: str, said: str) -> UUID:
        # called from a flow or a task, never from a coroutine: the call answers at once
        flow_run, task_run = FlowRunContext.get(), TaskRunContext.get()
        run_id = (
            flow_run.flow_run.id
            if flow_run and flow_run.flow_run
            else (task_run.task_run.flow_run_id if task_run else None)
        )
        card = _CARDS.get((run_id, key))
        if card is not None:
            update_progress_artifact(card, 0.0, description=said)
            return card
        card = cast(
            UUID, create_progress_artifact(0.0, key=artifact_key("progress", key), description=said)
        )
        _CARDS[(run_id, key)] = card
        return card

    def moved(self, doing: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.told_at >= self.EVERY_SECONDS:
            self._tell(doing, done, total)
            self.told_at = now

    def ended(self, doing: str, done: int, total: int) -> None:
        self._tell(doing, done, total)

    def _tell(self, doing: str, done: int, total: int) -> None:
        progress = 100.0 * done / total if total else 100.0
        if progress != self.told:
            # the card draws a bar without a figure: its description says how far, in numbers
            said = progress_line(doing, done, total, time.monotonic() - self.started, self.lang)
            update_progress_artifact(self.id, progress, description=said)
            self.told = progress
