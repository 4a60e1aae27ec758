"""What every flow needs: settings, parameter checks, the quarter's policy, artifacts."""

from __future__ import annotations

import functools
import inspect
import logging
import os
import typing
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar, cast
from urllib.parse import quote

from prefect import get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.client.schemas.objects import State
from prefect.context import FlowRunContext
from prefect.exceptions import MissingContextError
from prefect.states import Completed, Failed
from pydantic import BaseModel, Field, WithJsonSchema
from pydantic.fields import FieldInfo
from pydantic_core import core_schema
from sqlmodel import Session

from core.domain import Quarter, Reject, row_place
from core.exceptions import EXPECTED, LianjieInputError
from core.settings import Settings
from intake.columns import ImportResult
from intake.read import Limits
from models.db import exclusive
from models.tables import QuarterCycle
from policy.calendar import WorkingCalendar, calendar_for
from policy.confidentiality import shown_reason
from policy.config import LoadedPolicy, parse_policy


class RejectOut(BaseModel):
    """A rejected row as summaries and JSON output show it."""

    source: str
    row: int
    column: str
    reason: str
    kept_from: str | None = None  # the cadre's earlier record stays in force
    sheet: str = ""  # named when a workbook's data spans several sheets

    @property
    def where(self) -> str:
        return row_place(self.sheet, self.row)

    @classmethod
    def of(cls, source: str, reject: Reject, kept_from: str | None = None) -> RejectOut:
        return cls(
            source=source,
            row=reject.row,
            column=reject.column,
            # Shown on the command line, in artifacts and logs: no discipline cell in it.
            reason=shown_reason(reject.column, reject.reason),
            kept_from=kept_from,
            sheet=reject.sheet,
        )


P = ParamSpec("P")
R = TypeVar("R")


# The Run form in the Prefect UI shows a `X | None` parameter as a type switch ("Property is
# type None"); these say what the form shows instead, while Python keeps None for "the setting".
QUARTER_PATTERN = r"^\d{4}Q[1-4]$"


class Unset:
    """A parameter left empty in the Run form: its description says what that means (today,
    the setting). The default is not JSON, so the form's schema has none and the field starts
    empty; a null default would be checked against the field's type and refused."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "(empty)"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.is_instance_schema(cls)


UNSET: Any = Unset()
warnings.filterwarnings(
    "ignore", message=r"Default value \(empty\) is not JSON serializable", category=UserWarning
)
Day = Annotated[date | Unset | None, WithJsonSchema({"type": "string", "format": "date"})]


def given_day(value: date | Unset | None) -> date | None:
    """The day a Day parameter names, or None when it was left empty."""
    return value if isinstance(value, date) else None


Names = Annotated[tuple[str, ...], WithJsonSchema({"type": "array", "items": {"type": "string"}})]


class RunLanguage(StrEnum):
    """A run's language as the Run form offers it; the codes zh and en are accepted too."""

    zh = "中文"
    en = "English"

    @classmethod
    def _missing_(cls, value: object) -> RunLanguage | None:
        return {"zh": cls.zh, "en": cls.en}.get(str(value).strip().lower())


FormLanguage = Annotated[
    RunLanguage | Unset | None,
    WithJsonSchema({"type": "string", "enum": [m.value for m in RunLanguage]}),
]


def lang_code(chosen: RunLanguage | Unset | None, config: Settings) -> str:
    """The run's language code: the one chosen, else LIANJIE_LANG."""
    return chosen.name if isinstance(chosen, RunLanguage) else config.lang.value


# A roster source: a file, or hr:table=… / hr:query=…. The server refuses a URL that carries a
# password (user:password@) before the run exists, so that Prefect never stores it.
RosterSource = Annotated[
    str, WithJsonSchema({"type": "string", "pattern": r"^(?![a-z+]+://[^/@\s]*:[^/@\s]*@)"})
]


# A quarter, written YYYYQn: the form and the server refuse anything else (2026Q5 included)
# before a run exists; left empty, the flow's default quarter.
QuarterLabel = Annotated[
    str | Unset, WithJsonSchema({"type": "string", "pattern": QUARTER_PATTERN})
]


def titled(title: str) -> FieldInfo:
    """The label of a flow parameter in the Prefect UI's Run form, for use in `Annotated`.

    Prefect titles every parameter with its Python name and keeps only the extra schema keys of
    its metadata, so the title travels there.
    """

    field: FieldInfo = Field(json_schema_extra={"title": title})
    return field


def log() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The run's logger inside Prefect, a plain one when a task's function is called directly."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("lianjie")


def settings() -> Settings:
    """The settings in force, read when a flow starts (never at import time).

    From here on everything the run creates — the database, the outbox, PDFs, cards, exports —
    is readable by its owner only (files 0600, folders 0700): they name cadres.
    """
    os.umask(0o077)
    return Settings()


def parse_quarter(label: str | Unset, *, default: Quarter | None = None) -> Quarter:
    """The quarter parameter (empty means `default`), or one clear message before any work."""
    if isinstance(label, Unset) or not label.strip():
        if default is not None:
            return default
        raise LianjieInputError("no quarter: give one, written YYYYQn (e.g. 2026Q4)")
    try:
        return Quarter.parse(label)
    except ValueError as error:
        raise LianjieInputError(str(error)) from None


def read_limits(config: Settings) -> Limits:
    """How large a file the flows read, from the settings."""
    return Limits(config.max_file_mb, config.max_rows, config.max_columns)


def today(config: Settings) -> date:
    """Today in the organisation's time zone."""
    return datetime.now(config.zone).date()


def now(config: Settings) -> datetime:
    """This moment in the organisation's time zone (reports print it with its zone)."""
    return datetime.now(config.zone)


def as_of_moment(day: date | None, now: datetime, *, allow_future: bool = False) -> datetime:
    """The moment a report stands at: now, or the end of an earlier day (a past quarter
    re-rendered as it stood then). A day still to come is refused, nothing is known of it,
    unless a simulation on a fake clock (the demo) allows it."""
    if day is None or day == now.date():
        return now
    if day > now.date() and not allow_future:
        raise LianjieInputError(
            f"as-of date {day} has not come yet (today is {now.date()}): give today or a day before"
        )
    return datetime.combine(day, time(23, 59), now.tzinfo)


def working_calendar(config: Settings, first: date, last: date) -> WorkingCalendar:
    """The one resolved calendar every flow uses: the official one, with the local overrides."""
    return calendar_for(first, last, config.calendar_overrides)


def waits_for_first_working_day(config: Settings, on: date) -> State | None:
    """For a schedule that fires on each of a month's first days: a run that ends at once,
    saying so, unless `on` is the month's first working day of the official calendar."""
    first_of_month = on.replace(day=1)
    first = working_calendar(config, first_of_month, first_of_month).next_working_day(
        first_of_month
    )
    if on == first:
        return None
    words = f"not the first working day of the month (that is {first}): nothing to do today"
    log().info(words)
    return Completed(message=words)


def this_quarter(config: Settings) -> Quarter:
    return Quarter.containing(today(config))


def expected_failures(body: Callable[P, R]) -> Callable[P, R]:
    """A flow whose bad input ends the run Failed with a one-line message and a single ERROR
    line: no traceback, which is for what nobody expected. Whoever called the flow (the command
    line, a parent flow) still gets the LianjieInputError. Called outside a flow run (`.fn`), it
    raises as any function does."""

    @functools.wraps(body)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
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


# On the loggers the engines write with, so that neither the terminal nor the Prefect server
# receives the record (a handler's filter would leave the server's copy): the task engine's,
# and the flow run's, on which a worker's process repeats a failed run's exception at its end.
for _engine in ("prefect.task_runs", "prefect.flow_runs", "prefect.engine"):
    logging.getLogger(_engine).addFilter(_RefusalsToldOnce())


def existing_file(value: str | Path, what: str) -> Path:
    if not str(value).strip():
        raise LianjieInputError(f"no {what} given: name one, or set its setting")
    path = Path(value).expanduser()
    if not path.is_file():
        raise LianjieInputError(f"{what} {path} does not exist or is not a file")
    return path


def quarter_policy(*, session: Session, quarter: str) -> tuple[QuarterCycle, LoadedPolicy]:
    """The stored quarter and the policy it was opened with."""
    cycle = session.get(QuarterCycle, quarter)
    if cycle is None:
        raise LianjieInputError(
            f"quarter {quarter} has not been started: run `lianjie cycle --quarter {quarter} "
            "--roster FILE` first"
        )
    return cycle, parse_policy(cycle.policy_text, source=f"policy of {quarter}")


def one_at_a_time(db_url: str, quarter: str) -> AbstractContextManager[None]:
    """The quarter's cycle and collections run one at a time; a second run waits its turn."""

    def waiting() -> None:
        log().info("another run is working on %s: waiting for it to finish", quarter)

    return exclusive(db_url, f"quarter-{quarter}", waiting)


def artifact_key(*parts: str) -> str:
    """Artifact keys may hold only lowercase letters, digits and dashes."""
    return "-".join(parts).lower().replace("_", "-")


def log_layout(logger: Any, result: ImportResult[Any]) -> None:
    """What of the file was not data, for whoever reads the run's log: the titles above its
    header, the sheets without a table, and where the totals and footers were (their text,
    which may name whoever filled the sheet in, stays in the summary)."""
    for line in result.description:
        logger.info("%s: the file says: %s", result.source, line.text)
    if result.skipped_sheets:
        logger.info(
            "%s: sheets skipped (no table of this kind): %s",
            result.source,
            ", ".join(result.skipped_sheets),
        )
    if result.ignored_lines:
        logger.info(
            "%s: %d lines ignored as not data: %s",
            result.source,
            len(result.ignored_lines),
            ", ".join(f"{line.where} ({line.kind})" for line in result.ignored_lines[:20]),
        )


def reject_rows(rejects: list[RejectOut]) -> list[dict[str, Any]]:
    """Rejected rows for a table artifact: file name, row, column and reason first, so that
    the reason is on screen without scrolling."""
    return [
        {
            "file": Path(r.source).name,
            **({"sheet": r.sheet} if any(r.sheet for r in rejects) else {}),
            "row": r.row,
            "column": r.column,
            "reason": r.reason,
            "kept_from": Path(r.kept_from).name if r.kept_from else "",
        }
        for r in rejects
    ]


def pdf_links(paths: list[str], folder: Path, reports_url: str | None) -> list[str]:
    """Where a reader opens each PDF: under LIANJIE_REPORTS_URL when the output folder is
    served, else "" (a file:// link to the worker's disk opens nothing in a browser)."""
    if not reports_url:
        return ["" for _ in paths]
    base = reports_url.rstrip("/")
    links = []
    for path in paths:
        try:
            relative = Path(path).resolve().relative_to(folder.resolve())
        except ValueError:  # written outside the served folder (an explicit --out)
            links.append("")
            continue
        links.append(f"{base}/{quote(relative.as_posix())}")
    return links


def publish_table(key: str, rows: list[dict[str, Any]], description: str) -> None:
    """A table in the Prefect UI's Artifacts page (nothing when there is no row to show)."""
    if rows:
        create_table_artifact(key=key, table=rows, description=description)
