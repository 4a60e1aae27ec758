"""The quarter's own commands: start it, send what is due, collect what came back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.exceptions import LianjieInputError
from lianjie.cli.options import Day, Json, QuarterOption, Quiet, Sheet
from lianjie.cli.runner import check_files, check_quarter, emit, fail, run
from lianjie.cli.summaries import collect_lines, cycle_lines, dispatch_lines


def cycle(
    quarter: QuarterOption,
    roster: Annotated[
        str,
        typer.Option(
            help="Roster file (.xlsx or .csv), or the HR database of LIANJIE_HR_DATABASE_URL "
            "as hr:table=NAME or hr:query=SELECT …"
        ),
    ],
    policy: Annotated[Path | None, typer.Option(help="Policy TOML file.")] = None,
    as_of: Day = None,
    dry_run: Annotated[
        bool, typer.Option(help="Preview joiners, leavers, tracks and messages; write nothing.")
    ] = False,
    accept_leavers: Annotated[
        bool,
        typer.Option(help="Confirm a roster that makes more than the policy's share leave."),
    ] = False,
    sheet: Sheet = "",
    json_: Json = False,
    quiet: Quiet = False,
) -> None:
    """Start a quarter: import, classify, schedule, plan reminders, queue invitations."""
    from flows.cycle import quarterly_cycle

    quarter = check_quarter(quarter)
    from intake.database import check_roster_source, is_database_source

    try:  # before the run exists: its parameters are stored on the Prefect server
        check_roster_source(roster)
    except LianjieInputError as error:
        raise fail(str(error)) from None
    check_files(
        *([] if is_database_source(roster) else [Path(roster)]), *([policy] if policy else [])
    )
    result = run(
        lambda: quarterly_cycle(
            quarter=quarter,
            roster=str(roster),
            policy=str(policy) if policy else "",
            as_of=as_of.date() if as_of else None,
            dry_run=dry_run,
            accept_leavers=accept_leavers,
            sheet=sheet,
        ),
        json_=json_,
        quiet=quiet,
    )
    emit(result, json_, cycle_lines)


def dispatch(
    date: Day = None,
    dry_run: Annotated[
        bool, typer.Option(help="Show what is due (counts, first messages); send nothing.")
    ] = False,
    show: Annotated[int, typer.Option(help="With --dry-run: messages to show.", min=0)] = 5,
    allow_future: Annotated[
        bool, typer.Option(help="Allow a --date later than tomorrow (sends early).")
    ] = False,
    json_: Json = False,
    quiet: Quiet = False,
) -> None:
    """Send the messages due on or before DATE (default today, Asia/Shanghai)."""
    from flows.dispatch import daily_dispatch

    result = run(
        lambda: daily_dispatch(
            date=date.date() if date else None,
            dry_run=dry_run,
            allow_future=allow_future,
            show=show,
        ),
        json_=json_,
        quiet=quiet,
    )
    emit(result, json_, dispatch_lines)


def collect(
    quarter: QuarterOption,
    files: Annotated[list[Path], typer.Argument(help="Completion files (.xlsx or .csv).")],
    as_of: Day = None,
    sheet: Sheet = "",
    json_: Json = False,
    quiet: Quiet = False,
) -> None:
    """Import completion data (sign-in sheets, online learning, exams); book make-ups."""
    from flows.collect import collect_completions

    quarter = check_quarter(quarter)
    check_files(*files)
    result = run(
        lambda: collect_completions(
            quarter=quarter,
            files=tuple(str(f) for f in files),
            as_of=as_of.date() if as_of else None,
            sheet=sheet,
        ),
        json_=json_,
        quiet=quiet,
    )
    emit(result, json_, collect_lines)
