"""What every flow run needs: its settings resolved once, its clock, its log, its quarter."""

from __future__ import annotations

import functools
import gc
import inspect
import logging
import os
import typing
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import ParamSpec, TypeVar, cast

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import State
from prefect.context import FlowRunContext
from prefect.exceptions import MissingContextError
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlmodel import Session

from core.domain import Language, Quarter
from core.exceptions import EXPECTED, LianjieInputError
from core.secrets import NOT_A_PARAMETER, looks_like_secret
from core.settings import Settings
from intake.read import Limits
from models.db import exclusive, session_for
from models.tables import QuarterCycle
from policy.calendar import WorkingCalendar, calendar_for
from policy.config import LoadedPolicy, parse_policy

P = ParamSpec("P")
R = TypeVar("R")


def log() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The run's logger inside Prefect, a plain one when a task's function is called directly."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("lianjie")


class RunSettings(BaseModel):
    """What one flow run works with, resolved from the settings once when it starts and handed
    to each of its tasks, so that no two tasks can read them differently. Secrets (the HR
    database, SMTP, SMS) stay out: the task that needs one reads it where it is used."""

    model_config = ConfigDict(frozen=True)

    db_url: str
    lang: Language
    organisation: str
    signature: str  # opens every text message
    data_dir: Path
    reports_dir: Path
    calendar_overrides: Path | None = None
    timezone: str
    limits: tuple[int, int, int]  # the largest file read: MB, rows, columns
    organiser_email: str | None = None  # sign-in sheets of programmes without an organiser
    discipline_email: str | None = None  # the only reader of anything about admonition
    organisation_email: str | None = None  # above the top leaders on the escalation ladder

    @classmethod
    def of(cls, config: Settings, *, lang: str | None = None) -> RunSettings:
        """The run's settings; `lang`, when the run chose one, wins over LIANJIE_LANG."""
        return cls(
            db_url=config.db_url,
            lang=Language(lang) if lang else config.lang,
            organisation=config.organisation,
            signature=config.signature,
            data_dir=config.data_dir,
            reports_dir=config.reports_dir,
            calendar_overrides=config.calendar_overrides,
            timezone=config.timezone,
            limits=(config.max_file_mb, config.max_rows, config.max_columns),
            organiser_email=config.organiser_email,
            discipline_email=config.discipline_email,
            organisation_email=config.organisation_email,
        )

    @property
    def cards_dir(self) -> Path:
        """Where greeting cards are rendered, under the data folder every sender reaches."""
        return self.data_dir / "cards"

    @property
    def read_limits(self) -> Limits:
        return Limits(*self.limits)

    def calendar(self, first: date, last: date) -> WorkingCalendar:
        """The one resolved calendar: the official one, with the local overrides."""
        return calendar_for(first, last, self.calendar_overrides)


def settings() -> Settings:
    """The settings in force, read when a flow starts (never at import time).

    From here on everything the run creates — the database, the outbox, PDFs, cards, exports —
    is readable by its owner only (files 0600, folders 0700): they name cadres.
    """
    os.umask(0o077)
    try:
        return Settings()
    except ValidationError as error:
        # A run's failure, said once as the command line says it; no traceback, no input.
        raise LianjieInputError(f"bad setting: {setting_problems(error)}") from None


def setting_problems(error: ValidationError) -> str:
    """A settings error in a line: LIANJIE_NAME and what is wrong with it."""
    return "; ".join(
        f"LIANJIE_{'.'.join(map(str, e['loc'])).upper()}: {e['msg'].removeprefix('Value error, ')}"
        if e["loc"]
        else e["msg"].removeprefix("Value error, ")
        for e in error.errors()
    )


def today(config: Settings) -> date:
    """Today in the organisation's time zone."""
    return datetime.now(config.zone).date()


def now(config: Settings) -> datetime:
    """This moment in the organisation's time zone (reports print it with its zone)."""
    return datetime.now(config.zone)


def working_calendar(config: Settings | RunSettings, first: date, last: date) -> WorkingCalendar:
    """The one resolved calendar every flow uses: the official one, with the local overrides."""
    return calendar_for(first, last, config.calendar_overrides)


def scheduled_day(config: Settings) -> date:
    """The day the run was scheduled for, in the organisation's zone (a run by hand: the day
    it was started). A scheduled run that starts late, after midnight, still decides as the day
    it was meant for."""
    scheduled = cast(datetime, flow_run.scheduled_start_time)
    return scheduled.astimezone(config.zone).date()


def waits_for_first_working_day(config: Settings, on: date) -> State | None:
    """For a schedule that fires on each of a month's first days: a run that ends at once in a
    state named Skipped, saying why, unless `on` (the day it was scheduled for) is the month's
    first working day of the official calendar."""
    first_of_month = on.replace(day=1)
    first = working_calendar(config, first_of_month, first_of_month).next_working_day(
        first_of_month
    )
    if on == first:
        return None
    return skipped(f"not the first working day of the month (that is {first}): nothing to do today")


def skipped(why: str) -> State:
    """A scheduled run that declines: it ends at once in a state named Skipped, which the runs
    list shows apart from a run that did its work, with the reason as its message."""
    log().info(why)
    return Completed(message=why, name="Skipped")


def this_quarter(config: Settings) -> Quarter:
    return Quarter.containing(today(config))


def reported_quarter(config: Settings) -> Quarter:
    """The quarter a run of the reports means when none is given: the one just ended, once its
    cycle has run; before that (lianjie's first quarter), the current one."""
    current = this_quarter(config)
    with session_for(config.db_url) as session:
        return current.previous if session.get(QuarterCycle, current.previous.label) else current


def expected_failures(body: Callable[P, R]) -> Callable[P, R]:
    """A flow whose bad input ends the run Failed with a one-line message and a single ERROR
    line: no traceback, which is for what nobody expected. Whoever called the flow (the command
    line, a parent flow) still gets the LianjieInputError. Called outside a flow run (`.fn`), it
    raises as any function does."""

    signature = inspect.signature(body)

    @functools.wraps(body)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        prepare_process()
        try:
            refuse_secrets(signature.bind(*args, **kwargs).arguments)
            return body(*args, **kwargs)
        except LianjieInputError as error:
            if FlowRunContext.get() is None:
                raise
            log().error("%s", error, extra={EXPECTED: True})
            return cast(R, Failed(message=str(error), data=error))

    # Prefect reads the parameters' types from the function it is given; resolved here, in the
    # flow's own module, as this wrapper lives in another.
    run.__annotations__ = typing.get_type_hints(body, include_extras=True)
    run.__signature__ = inspect.signature(body, eval_str=True)  # type: ignore[attr-defined]
    return run


def refuse_secrets(parameters: dict[str, object]) -> None:
    """A parameter shaped like a URL or a credential, which the Run form lets through with its
    validation switched off: removed from what Prefect keeps of this run, then refused."""
    secret = [name for name, value in parameters.items() if looks_like_secret(value)]
    if not secret:
        return
    context = FlowRunContext.get()
    if context is not None and context.flow_run is not None:
        kept = {
            name: REMOVED if name in secret else value
            for name, value in context.flow_run.parameters.items()
        }
        with get_client(sync_client=True) as client:
            client.update_flow_run(context.flow_run.id, parameters=kept)
    raise LianjieInputError(f"{', '.join(secret)}: {NOT_A_PARAMETER}")


REMOVED = "(removed: a URL or password is not kept with a run)"


class _RefusalsToldOnce(logging.Filter):
    """A task that refuses bad input fails, and its flow reports that in one ERROR line:
    Prefect's own "Task run failed with exception" line and traceback would only repeat it,
    and the task's final state is told at INFO."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[object] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        task_run = getattr(record, "task_run_id", None)
        if isinstance(error, LianjieInputError):
            self.refused.add(task_run)
            return False
        if task_run in self.refused and str(record.msg).startswith("Finished in state"):
            self.refused.discard(task_run)
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


_REFUSALS = _RefusalsToldOnce()


def prepare_process() -> None:
    """What a process running a flow needs, set when its first flow starts (never on import;
    again is a no-op).

    Python's cycle collector runs after every 700 new objects and, every hundred runs, walks
    every object alive. A province's quarter keeps millions alive (records, send keys, rows to
    store), and those walks were a fifth of planning its messages and of importing its roster;
    what a stage makes is nearly never a cycle. The report renderers a flow forks inherit it.

    The refusal filter goes on the loggers the engines write with, so that neither the terminal
    nor the Prefect server receives the record (a handler's filter would leave the server's
    copy): the task engine's, and the flow run's, on which a worker's process repeats a failed
    run's exception at its end."""
    gc.set_threshold(100_000, 50, 50)
    for engine in ("prefect.task_runs", "prefect.flow_runs", "prefect.engine"):
        if _REFUSALS not in logging.getLogger(engine).filters:
            logging.getLogger(engine).addFilter(_REFUSALS)


def quarter_policy(*, session: Session, quarter: Quarter) -> tuple[QuarterCycle, LoadedPolicy]:
    """The stored quarter and the policy it was opened with."""
    cycle = session.get(QuarterCycle, quarter.label)
    if cycle is None:
        raise LianjieInputError(
            f"quarter {quarter} has not been started: run the quarterly-cycle deployment for it "
            f"(or `lianjie cycle --quarter {quarter} --roster FILE`) first"
        )
    return cycle, parse_policy(cycle.policy_text, source=f"policy of {quarter}")


def one_at_a_time(db_url: str, quarter: Quarter) -> AbstractContextManager[None]:
    """The quarter's cycle and collections run one at a time; a second run waits its turn."""

    def waiting() -> None:
        log().info("another run is working on %s: waiting for it to finish", quarter)

    return exclusive(db_url, f"quarter-{quarter.label}", waiting)
