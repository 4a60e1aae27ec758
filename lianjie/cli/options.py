"""The application, its global --verbose, and the options several commands share."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from core.prefect_home import guard_prefect_home
from lianjie.orphans import prefect_defaults

app = typer.Typer(
    help="lianjie: the quarterly integrity-education cycle for cadres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # A docstring's paragraphs reflowed to the terminal's width, not broken where the source
    # breaks its lines: at 80 columns those breaks cut sentences in two.
    rich_markup_mode="markdown",
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
users_app = typer.Typer(help="Accounts of the reports site (lianjie web).", no_args_is_help=True)
app.add_typer(users_app, name="users")

QuarterOption = Annotated[
    str, typer.Option("--quarter", "-q", help="Quarter, written YYYYQn (2026Q4).")
]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a summary.")]
Quiet = Annotated[
    bool, typer.Option("--quiet", help="Show only the final summary: no bars, no log lines.")
]
Day = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date, YYYY-MM-DD.")]
Lang = Annotated[str | None, typer.Option(help="Language: zh or en.")]
Sheet = Annotated[
    str,
    typer.Option(
        help="Read only this sheet of a workbook (default: every sheet whose header matches)."
    ),
]


VERBOSE = False


@app.callback()
def global_options(
    ctx: typer.Context,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Also show Prefect's own lines (temporary server, states)."
        ),
    ] = False,
) -> None:
    global VERBOSE  # noqa: PLW0603  (set once per process, before any command runs)
    VERBOSE = verbose
    prefect_defaults()
    if ctx.invoked_subcommand != "doctor":  # the doctor looks and changes nothing
        guard_prefect_home()  # before Prefect creates its database under the process's umask
