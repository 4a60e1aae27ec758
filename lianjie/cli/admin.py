"""The commands around the quarter: export lists, a demo city, serving, checks, the schema."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from core.paths import check_output_file, check_output_folder
from lianjie.cli.options import Json, QuarterOption, Quiet
from lianjie.cli.runner import EXIT_FAILURE, check_quarter, checked_output, emit, fail, run
from lianjie.cli.summaries import PASSED, counted, cycle_lines


def export(
    what: Annotated[
        str,
        typer.Argument(
            help="tracks, sessions, enrolments, messages, completions, outstanding, rejects, "
            "changes, attendance (per session: enrolled, present, absent, excused, not filled "
            "in), talks, pledges, families (family contacts: --confidential only), access "
            "(who produced which cadre's record) or issued (every report version issued); "
            "the last two need no quarter."
        ),
    ],
    quarter: QuarterOption = "",
    as_of: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Day the standings of `outstanding` are taken on (default: today).",
        ),
    ] = None,
    format_: Annotated[str, typer.Option("--format", help="csv, xlsx or json.")] = "csv",
    out: Annotated[Path | None, typer.Option(help="File to write (stdout when omitted).")] = None,
    confidential: Annotated[
        bool,
        typer.Option(
            help="Include the admonition track (for the discipline inspection body); "
            "the file is then marked confidential and readable by its owner only."
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Export a list for the quarter, with the contract's column names."""
    from lianjie.exports import Export, Format, write
    from lianjie.exports.columns import DATABASE_LISTS

    try:
        kind, fmt = Export(what), Format(format_)
    except ValueError:
        raise fail(
            f"cannot export {what!r} as {format_!r}: choose one of "
            f"{', '.join(Export)} and a format of {', '.join(Format)}"
        ) from None
    if kind not in DATABASE_LISTS:
        if not quarter:
            raise fail(f"exporting {kind.value} needs --quarter YYYYQn")
        quarter = check_quarter(quarter)
    if fmt is Format.xlsx and out is None:
        raise fail("an .xlsx export needs --out FILE")
    if out is not None:
        checked_output(check_output_file, out)

    def build() -> bytes:
        from flows.common import now, settings
        from flows.moments import as_of_moment
        from flows.parameters import parse_quarter
        from lianjie.exports.database import access_file, issued_file, quarter_file

        config = settings()
        if kind in DATABASE_LISTS:
            whole = access_file if kind is Export.access else issued_file
            return whole(db_url=config.db_url, fmt=fmt, confidential=confidential, zone=config.zone)
        return quarter_file(
            db_url=config.db_url,
            kind=kind,
            quarter=parse_quarter(quarter),
            as_of=as_of_moment(as_of.date() if as_of else None, now(config)).date(),
            fmt=fmt,
            confidential=confidential,
            zone=config.zone,
        )

    write(run(build, quiet=quiet, flows=False), fmt, out)


def demo(
    out: Annotated[Path, typer.Option(help="Folder for everything the demo makes.")] = Path("demo"),
    quarter: Annotated[
        str | None, typer.Option(help="Quarter to simulate (default: this one).")
    ] = None,
    json_: Json = False,
    quiet: Quiet = False,
) -> None:
    """Run a synthetic city's whole quarter end to end and print where the PDFs are."""
    out = checked_output(check_output_folder, out).resolve()
    os.environ |= {
        "LIANJIE_DATA_DIR": str(out),
        "LIANJIE_OUTPUT_DIR": str(out / "reports"),
        "LIANJIE_DATABASE_URL": f"sqlite:///{out / 'lianjie.db'}",
    }
    for name in ("LIANJIE_SMTP_URL", "LIANJIE_SMS_URL"):
        os.environ.pop(name, None)  # the demo writes its messages to the file outbox only

    if quarter is not None:
        quarter = check_quarter(quarter)

    def go() -> Any:
        from lianjie.demo import demo_quarter

        return demo_quarter(quarter=quarter or "")  # empty: the demo plays this quarter

    from core.domain import ReportKind

    result = run(go, json_=json_, quiet=quiet)
    emit(
        result,
        json_,
        lambda s: [
            *cycle_lines(s.cycle),
            *(
                f"Dispatch {d.date}: {d.sent} sent, {d.failed} failed, "
                f"{d.expired} expired{PASSED if d.expired else ''}"
                for d in s.dispatches
            ),
            *(
                f"Completions {Path(c.files[0].source).name}: {counted(c.read, 'row')} read, "
                f"{c.accepted} accepted, {c.rejected} rejected; "
                f"make-ups booked {c.makeups.get('booked', 0)}"
                for c in s.collected
            ),
            *(
                [
                    f"Sign-in sheets: {s.sheets.rendered} for the sessions of "
                    f"{s.sheets.sheets[0].held_on} in {out / 'reports' / s.quarter / 'sheets'}"
                ]
                if s.sheets and s.sheets.sheets
                else []
            ),
            f"Talk registers: {s.talk_registers} in {out / 'reports' / s.quarter / 'talks'}, "
            f"with {counted(s.letters, 'commitment letter')} to sign",
            f"Reports: {s.reports.rendered} PDFs in {out / 'reports' / s.quarter}",
            f"  summary: {next(r.path for r in s.reports.reports if r.kind == ReportKind.summary)}",
            f"Messages written to {out / 'outbox'}",
        ],
    )


def doctor() -> None:
    """Check the database, Prefect API, fonts (CJK included), output folder, mail settings and
    the text messages' routes (providers set up, approved templates that fit)."""
    from lianjie.doctor import checks, warnings

    for warning in warnings():
        typer.echo(f"WARN prefect: {warning}")
    results = run(checks)
    for ok, name, detail in results:
        typer.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if not all(ok for ok, _, _ in results):
        raise typer.Exit(EXIT_FAILURE)


def db_upgrade() -> None:
    """Create or upgrade the database schema (Alembic migrations to the newest)."""

    def upgrade() -> str:
        from flows.common import settings
        from models.db import ready_engine
        from models.engine import redacted_url

        url = settings().db_url
        ready_engine(url)
        return redacted_url(url)

    typer.echo(f"database ready: {run(upgrade, flows=False)}")
