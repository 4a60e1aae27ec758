"""collect-completions: import completion data from sign-in sheets and learning platforms."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from prefect import flow

from core.domain import Quarter
from core.exceptions import LianjieInputError
from flows.artifact_tables import TableWords, Told, artifact_key, publish
from flows.artifacts import ImportSummary
from flows.common import (
    RunSettings,
    expected_failures,
    log,
    one_at_a_time,
    today,
)
from flows.completion_file import import_completions
from flows.drop_folder import SkippedFile, dropped_files, set_aside
from flows.makeups import offer_makeups
from flows.messages import plan_messages
from flows.parameters import (
    UNSET,
    Day,
    FormText,
    Names,
    QuarterLabel,
    existing_file,
    given_day,
    titled,
)
from flows.progress import Stage, stage
from flows.run_names import run_name
from flows.run_summaries import collect_summary
from flows.starting import started
from flows.summaries import CollectSummary
from models.db import session_for
from models.tables import QuarterCycle


def quarter_started(run: RunSettings, quarter: Quarter) -> bool:
    """Whether a cycle has run for the quarter: the daily collect books its make-ups."""
    with session_for(run.db_url) as session:
        return session.get(QuarterCycle, quarter.label) is not None


# Its summary is kept (Prefect's result storage, under PREFECT_HOME): `lianjie web` reads it
# back when a worker ran the flow for it. Its tasks keep nothing: they hold the quarter's people.
@flow(
    name="collect-completions",
    flow_run_name=run_name("collect-completions"),
    log_prints=True,
    persist_result=True,
)
@expected_failures
def collect_completions(
    files: Annotated[Names, titled("Completion files 参训记录文件")] = (),
    quarter: Annotated[QuarterLabel, titled("Quarter 季度")] = UNSET,
    as_of: Annotated[Day, titled("Make-ups and escalations as of 截至日期")] = UNSET,
    sheet: Annotated[FormText, titled("Sheet of the workbooks 工作表")] = "",
) -> CollectSummary:
    """Import completion files (sign-in sheets, online learning, exams) and book make-ups.

    Args:
        files: Paths of .xlsx or .csv completion files on the machine that runs the flow; empty
            means every file in the drop folder (LIANJIE_DROP_DIR), as the scheduled run does.
        quarter: The quarter the completions belong to, written YYYYQn; empty means the current one.
        as_of: The day the data is collected; make-up sessions come after it. Empty means today.
        sheet: The one sheet of each workbook to read; empty means every sheet whose header
            matches the completion columns.
    """
    start = started(quarter)
    config, run, period = start.config, start.run, start.quarter
    # Files already imported are recognised by their content and change nothing.
    from_drop = not files
    paths, skipped = (
        dropped_files(config)
        if from_drop
        else ([existing_file(f, "completion file") for f in files], [])
    )
    on = given_day(as_of) or today(config)
    if not paths and not quarter_started(run, period):
        log().info("nothing to collect")
        return CollectSummary.of(period, [], None, skipped)
    with (
        one_at_a_time(config.db_url, period),
        stage("reading completion files", len(paths) + 1, key=f"collect-{period.label}") as steps,
    ):
        imported = import_each(
            paths,
            run=run,
            quarter=period,
            sheet=sheet.strip(),
            on=on,
            steps=steps,
            skipped=skipped,
            drop_dir=config.drop_dir if from_drop else None,
        )
        steps.advance(0, doing="booking make-ups")
        # Every day, with files or none: people a sheet left out are booked once the wait
        # after it has passed, whether or not anything else comes in that day.
        offered = offer_makeups(run=run, quarter=period, as_of=on)
        plan_messages(run=run, quarter=period, as_of=on)
        steps.advance(doing="completion data in")
    summary = CollectSummary.of(period, imported, offered, skipped)
    publish_collect(summary, on, TableWords(config.lang))
    return summary


def import_each(
    paths: list[Path],
    *,
    run: RunSettings,
    quarter: Quarter,
    sheet: str,
    on: date,
    steps: Stage,
    skipped: list[SkippedFile],
    drop_dir: Path | None,
) -> list[ImportSummary]:
    """Each file in turn: one that cannot be read is set aside (moved out of the drop folder
    with its reason) and the others go on; refused only when none given by hand was read."""
    imported = []
    for path in steps.each(paths):
        try:
            imported.append(
                import_completions(run=run, quarter=quarter, file=str(path), sheet=sheet, on=on)
            )
        except LianjieInputError as error:
            skipped.append(set_aside(path, str(error), drop_dir))
    if paths and not imported and drop_dir is None:
        raise LianjieInputError(skipped[0].reason)  # nothing given could be read
    return imported


def publish_collect(summary: CollectSummary, on: date, words: TableWords) -> None:
    """The day's collect as two tables in the Prefect UI: counts per file, and the rejects."""
    publish(collect_told(summary, on, words))


def collect_told(summary: CollectSummary, on: date, words: TableWords) -> Told:
    """The collect's summary, its counts per file and its rejects, in words."""
    quarter = summary.quarter
    title = words.title("collect", quarter=quarter, day=on)
    counts = [
        (words.row(f"file_{count}", file=Path(i.source).name), getattr(i, count))
        for i in summary.files
        for count in ("read", "accepted", "rejected")
    ]
    counts += [(words.row(f"makeups_{k}"), n) for k, n in summary.makeups.items()]
    counts.append((words.row("not_recorded"), len(summary.not_recorded)))
    counts += [
        (words.row("skipped_file", file=Path(f.source).name, reason=f.reason), 0)
        for f in summary.skipped
    ]
    return Told(
        title,
        artifact_key("collect-summary", quarter),
        collect_summary(summary, words),
        [
            (artifact_key("collect", quarter), title, words.counted(counts)),
            (
                artifact_key("completion-rejects", quarter),
                words.title("completion_rejects", quarter=quarter),
                words.rejects([r for i in summary.files for r in i.rejects]),
            ),
        ],
    )
