"""How a command runs: its checks before the work, and one clear line and exit code after."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError

from core.exceptions import EXPECTED, LianjieInputError
from lianjie import orphans
from lianjie.cli import options

T = TypeVar("T")
EXIT_BAD_INPUT, EXIT_FAILURE = 2, 1


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Say what went wrong on stderr, in one line; the caller raises the exit returned."""
    typer.echo(f"lianjie: {message}", err=True)
    return typer.Exit(code)


class _HideInputTracebacks(logging.Filter):
    """A user's mistake is one clear line, not a Prefect traceback in the log; and without
    --verbose, the command line leaves out what only Prefect's own operators need: the
    temporary server's banner, and the flow's ERROR and final-state lines of an expected
    failure (the command prints its own one line for it)."""

    QUIET = (
        "Starting temporary server",
        "Stopping temporary server",
        "Beginning flow run",
        "Beginning subflow run",
        "View at ",
        "Finished in state Failed",
    )

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, LianjieInputError):
            record.exc_info, record.exc_text = None, None
        if options.VERBOSE:
            return True
        if getattr(record, EXPECTED, False):
            return False
        return not str(record.msg).startswith(self.QUIET)


def check_lang(lang: str | None) -> None:
    if lang is not None and lang not in {"zh", "en"}:
        raise fail(f"--lang must be zh or en, not {lang!r}")


def check_quarter(label: str) -> str:
    """Refuse a malformed quarter before Prefect starts (a second or more of waiting)."""
    from core.domain import Quarter

    try:
        return Quarter.parse(label).label
    except ValueError as error:
        raise fail(str(error)) from None


def check_as_of(day: datetime | None) -> None:
    """Refuse an as-of day still to come before Prefect starts its temporary server (seconds)."""
    if day is not None:
        from flows.common import now, settings
        from flows.moments import as_of_moment

        run(lambda: as_of_moment(day.date(), now(settings())), flows=False)


def checked_output(check: Callable[[Path], Path], path: Path) -> Path:
    """An --out path checked before any work starts (exit 2 with one message)."""
    try:
        return check(path)
    except LianjieInputError as error:
        raise fail(str(error)) from None


def check_files(*paths: Path) -> None:
    for path in paths:
        if not path.is_file():
            raise fail(f"{path} does not exist or is not a file")


def run(
    action: Callable[[], T], *, json_: bool = False, quiet: bool = False, flows: bool = True
) -> T:
    """Run a command: bad input exits 2 with one message; anything else unexpected exits 1.

    While it runs, a terminal shows a bar per long stage; see lianjie/terminal.py. A command
    that runs no flow (`flows=False`: exports, a record) skips making ready for Prefect's
    temporary server, whose import alone took 1.4 s of a 4 s export."""
    try:
        import prefect.logging  # noqa: F401  (configures Prefect's handlers before we add a filter)

        from lianjie.terminal import showing, shown

        if flows:
            orphans.temporary_server_dies_with_us()

        for handler in logging.getLogger("prefect").handlers + logging.getLogger().handlers:
            handler.addFilter(_HideInputTracebacks())
        with showing(shown(json_=json_, quiet=quiet, verbose=options.VERBOSE)):
            return action()
    except LianjieInputError as error:
        raise fail(str(error)) from None
    except ValidationError as error:  # settings from the environment
        from flows.common import setting_problems

        raise fail(f"bad setting: {setting_problems(error)}") from None
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None
    except OperationalError as error:
        from flows.common import settings
        from models.engine import redacted_url

        first_line = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        raise fail(
            f"the database {redacted_url(settings().db_url)} cannot be used: {first_line}",
            EXIT_FAILURE,
        ) from None
    except Exception as error:
        if os.environ.get("LIANJIE_DEBUG"):
            raise
        if "attempting to connect to ephemeral Prefect API server" in str(error):
            raise fail(
                "Prefect's temporary API server did not start in time on this machine: start "
                "one with `prefect server start` and set PREFECT_API_URL to it, or allow more "
                "time with PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                EXIT_FAILURE,
            ) from None
        raise fail(
            f"unexpected failure: {type(error).__name__}: {error} "
            "(set LIANJIE_DEBUG=1 for the traceback)",
            EXIT_FAILURE,
        ) from None


def emit(result: BaseModel, as_json: bool, human: Callable[[Any], list[str]]) -> None:
    """Print a result as JSON, or as the lines a person reads."""
    if as_json:
        typer.echo(result.model_dump_json(indent=1))
    else:
        for line in human(result):
            typer.echo(line)
