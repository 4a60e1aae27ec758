"""The `lianjie` command line: every command runs the same flows the deployments run."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError

from core.exceptions import EXPECTED, LianjieInputError
from core.paths import check_output_file, check_output_folder
from lianjie import orphans

T = TypeVar("T")
EXIT_BAD_INPUT, EXIT_FAILURE = 2, 1

# Said beside a count of expired messages, which otherwise reads like a failure.
PASSED = " (not sent: their session or holiday had passed)"

app = typer.Typer(
    help="lianjie: the quarterly integrity-education cycle for cadres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")

Quarter = Annotated[str, typer.Option("--quarter", "-q", help="Quarter, written YYYYQn (2026Q4).")]
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


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
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
        if VERBOSE:
            return True
        if getattr(record, EXPECTED, False):
            return False
        return not str(record.msg).startswith(self.QUIET)


VERBOSE = False


@app.callback()
def options(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Also show Prefect's own lines (temporary server, states)."
        ),
    ] = False,
) -> None:
    global VERBOSE  # noqa: PLW0603  (set once per process, before any command runs)
    VERBOSE = verbose


def check_lang(lang: str | None) -> None:
    if lang is not None and lang not in {"zh", "en"}:
        raise fail(f"--lang must be zh or en, not {lang!r}")


def check_quarter(label: str) -> str:
    """Refuse a malformed quarter before Prefect starts (a second or more of waiting)."""
    from core.domain import Quarter as Period

    try:
        return Period.parse(label).label
    except ValueError as error:
        raise fail(str(error)) from None


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


def run(action: Callable[[], T], *, json_: bool = False, quiet: bool = False) -> T:
    """Run a command: bad input exits 2 with one message; anything else unexpected exits 1.

    While it runs, a terminal shows a bar per long stage; see lianjie/terminal.py."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no calls home
    os.environ.setdefault("DO_NOT_TRACK", "1")  # nor from the client (it says so on stderr)
    os.environ.setdefault(
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", orphans.STARTUP_TIMEOUT_SECONDS
    )
    try:
        import prefect.logging  # noqa: F401  (configures Prefect's handlers before we add a filter)

        from lianjie.terminal import showing, shown

        orphans.temporary_server_dies_with_us()

        for handler in logging.getLogger("prefect").handlers + logging.getLogger().handlers:
            handler.addFilter(_HideInputTracebacks())
        with showing(shown(json_=json_, quiet=quiet, verbose=VERBOSE)):
            return action()
    except LianjieInputError as error:
        raise fail(str(error)) from None
    except ValidationError as error:  # settings from the environment
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        )
        raise fail(f"bad setting: {problems}") from None
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None
    except OperationalError as error:
        from flows.common import settings
        from models.db import redacted_url

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
    if as_json:
        typer.echo(result.model_dump_json(indent=1))
    else:
        for line in human(result):
            typer.echo(line)


def _import_lines(summary: Any) -> list[str]:
    lines = [
        f"  {summary.source}: {summary.read} rows read, {summary.accepted} accepted, "
        f"{summary.rejected} rejected"
        + (" (already imported: nothing changed)" if summary.already_imported else "")
    ]
    lines += [
        f"    {r.where}, {r.column}: {r.reason}"
        + (f" (kept from {r.kept_from})" if getattr(r, "kept_from", None) else "")
        for r in summary.rejects[:50]
    ]
    if len(summary.rejects) > 50:
        lines.append(f"    … and {len(summary.rejects) - 50} more (lianjie export … rejects)")
    lines += [f"  file says: {line}" for line in getattr(summary, "description", [])]
    if summary.unknown_columns:
        lines.append(f"  columns ignored: {', '.join(summary.unknown_columns)}")
    if blank := getattr(summary, "not_filled_in", []):
        lines.append(
            f"  not filled in: {len(blank)} rows without a status (neither done nor missed; "
            "listed in --json)"
        )
    if getattr(summary, "skipped_sheets", []):
        lines.append(
            f"  sheets skipped (no table of this kind): {', '.join(summary.skipped_sheets)}"
        )
    if ignored := getattr(summary, "ignored_lines", []):
        lines.append(f"  ignored lines ({len(ignored)}, not data):")
        lines += [f"    {line}" for line in ignored[:20]]
        if len(ignored) > 20:
            lines.append(f"    … and {len(ignored) - 20} more")
    lines += [f"  warning: {w}" for w in getattr(summary, "warnings", [])]
    return lines


def _change_lines(changes: Any, shown: int = 20) -> list[str]:
    """Joiners, leavers, changes and kept cadres, the first `shown` of each named."""
    if changes is None:
        return []
    against = f" against {changes.compared_with}" if changes.compared_with else ""
    lines = [
        f"Roster changes{against}: {len(changes.joined)} joined, {len(changes.left)} left, "
        f"{len(changes.changed)} changed, {len(changes.kept)} kept from an earlier record"
        + (
            f"; {changes.messages_cancelled} unsent messages to leavers cancelled"
            if changes.messages_cancelled
            else ""
        )
    ]
    for title, names in (
        ("joined", changes.joined),
        ("left", changes.left),
        ("changed", changes.changed),
        ("kept", changes.kept),
    ):
        lines += [f"  {title}: {name}" for name in names[:shown]]
        if len(names) > shown:
            lines.append(f"  {title}: … and {len(names) - shown} more (lianjie export … changes)")
    return lines


def _cycle_lines(s: Any) -> list[str]:
    would = "would be " if s.dry_run else ""
    return [
        *(["DRY RUN: nothing below was stored, queued, cancelled or written"] if s.dry_run else []),
        f"Quarter {s.quarter} (rules applied as of {s.as_of}, policy {s.policy_sha256[:12]})",
        "Roster:",
        *_import_lines(s.roster),
        *_change_lines(s.roster.changes),
        "Tracks: " + ", ".join(f"{k} {v}" for k, v in s.tracks.items()),
        "Sessions: " + ", ".join(f"{k} {v}" for k, v in s.sessions.items()),
        f"Messages {would}queued: " + ", ".join(f"{k} {v}" for k, v in s.messages.items()),
    ]


@app.command()
def cycle(
    quarter: Quarter,
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
    from intake.database import check_no_password, is_database_source

    try:  # before the run exists: its parameters are stored on the Prefect server
        check_no_password(roster)
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
    emit(result, json_, _cycle_lines)


KIND_WORDS = {
    "invitation": "invitations",
    "session_reminder": "session reminders",
    "holiday_reminder": "holiday reminders",
    "escalation": "reminders up the chain",
    "report": "reports",
}
CHANNEL_WORDS = {"email": "by e-mail", "sms": "by text message"}


def _dispatch_lines(s: Any) -> list[str]:
    if s.dry_run:
        lines = [f"Dry run for {s.date}: nothing was sent. It would send:"]
        lines += [
            f"  {count:,} {KIND_WORDS.get(kind, kind)} {CHANNEL_WORDS.get(channel, channel)}"
            for kind, by in s.would_send.items()
            for channel, count in by.items()
        ] or ["  nothing: no message is due"]
        for n, m in enumerate(s.preview, start=1):
            what = f"{KIND_WORDS.get(m.kind, m.kind)} {CHANNEL_WORDS.get(m.channel, m.channel)}"
            lines += [
                f"--- {n}. {what} to {m.recipient}",
                f"Subject: {m.subject}" if m.channel == "email" else "",
                m.text,
            ]
        return [line for line in lines if line]
    return [
        f"Dispatch for {s.date}: {s.sent} sent, {s.failed} failed, {s.skipped} skipped, "
        f"{s.expired} expired{PASSED if s.expired else ''}",
        *(f"  {k}: {v}" for k, v in s.by_channel.items()),
    ]


@app.command()
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
    emit(result, json_, _dispatch_lines)


@app.command()
def collect(
    quarter: Quarter,
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
    emit(
        result,
        json_,
        lambda s: [
            f"Quarter {s.quarter}: {s.read} rows read, {s.accepted} accepted, "
            f"{s.rejected} rejected",
            *(line for f in s.files for line in _import_lines(f)),
            "Make-ups: " + ", ".join(f"{k} {v}" for k, v in s.makeups.items()),
        ],
    )


@app.command()
def report(
    quarter: Annotated[
        str, typer.Option("--quarter", "-q", help="Quarter, written YYYYQn (2026Q4).")
    ] = "",
    year: Annotated[
        int | None,
        typer.Option(help="Render the year's report across its four quarters instead."),
    ] = None,
    as_of: Day = None,
    unit: Annotated[list[str] | None, typer.Option(help="Unit code (repeat for several).")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the PDFs.")] = None,
    lang: Lang = None,
    deliver: Annotated[
        bool,
        typer.Option(
            help="Queue each unit's PDF for its top leader and team members, the confidential "
            "list for LIANJIE_DISCIPLINE_EMAIL (sent by the next dispatch)."
        ),
    ] = False,
    json_: Json = False,
    quiet: Quiet = False,
) -> None:
    """Render the accountability reports (PDF) of a quarter, or of a year with --year."""
    from flows.accountability import accountability_reports
    from flows.annual import annual_report
    from flows.parameters import RunLanguage

    check_lang(lang)
    if out is not None:
        checked_output(check_output_folder, out)
    if year is not None:
        if quarter or unit or deliver:
            raise fail(
                "--year renders the year's report: leave out --quarter, --unit and --deliver"
            )
        if not 2000 <= year <= 2100:
            raise fail(f"--year must be a year like 2026, not {year}")
        annual = run(
            lambda: annual_report(
                year=year,
                lang=RunLanguage(lang) if lang else None,
                out=str(out) if out else "",
                as_of=as_of.date() if as_of else None,
            ),
            json_=json_,
            quiet=quiet,
        )
        emit(
            annual,
            json_,
            lambda s: [
                f"Year {s.year}: {s.rendered} PDF rendered from {', '.join(s.quarters)}",
                *(f"  {r.kind:<12} {r.pages:>3} pages  {r.path}" for r in s.reports),
            ],
        )
        return
    if not quarter:
        raise fail("give --quarter YYYYQn (or --year YYYY for the year's report)")
    quarter = check_quarter(quarter)
    result = run(
        lambda: accountability_reports(
            quarter=quarter,
            units=tuple(unit or ()),
            lang=RunLanguage(lang) if lang else None,
            out=str(out) if out else "",
            deliver=deliver,
            as_of=as_of.date() if as_of else None,
        ),
        json_=json_,
        quiet=quiet,
    )
    emit(
        result,
        json_,
        lambda s: [
            f"Quarter {s.quarter}: {s.rendered} PDFs rendered"
            + (f"; {s.queued_for_readers} e-mails to their readers queued" if deliver else ""),
            *(f"  {r.kind:<12} {r.unit_code or '-':<8} {r.rate:>7}  {r.path}" for r in s.reports),
        ],
    )


@app.command()
def sheets(
    quarter: Annotated[
        str, typer.Option("--quarter", "-q", help="Quarter, written YYYYQn (2026Q4).")
    ] = "",
    session: Annotated[
        str, typer.Option(help="One session's code (default: the sessions of --date).")
    ] = "",
    date: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="The sessions held on this day (default: those of the next working days).",
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the sheets.")] = None,
    lang: Lang = None,
    deliver: Annotated[
        bool,
        typer.Option(
            help="Queue each sheet for its programme's organiser (admonition sheets for "
            "LIANJIE_DISCIPLINE_EMAIL only), sent by the next dispatch."
        ),
    ] = False,
    json_: Json = False,
    quiet: Quiet = False,
) -> None:
    """Make sign-in sheets (签到表): a PDF to sign and a workbook to fill in, per session."""
    from flows.parameters import RunLanguage
    from flows.sheets import sign_in_sheets

    check_lang(lang)
    if quarter:
        quarter = check_quarter(quarter)
    if out is not None:
        checked_output(check_output_folder, out)
    result = run(
        lambda: sign_in_sheets(
            quarter=quarter,
            session=session,
            day=date.date() if date else None,
            out=str(out) if out else "",
            lang=RunLanguage(lang) if lang else None,
            deliver=deliver,
        ),
        json_=json_,
        quiet=quiet,
    )
    emit(
        result,
        json_,
        lambda s: [
            f"Quarter {s.quarter}: {s.rendered} sign-in sheets"
            + (f", {s.queued_for_organisers} queued for their organisers" if deliver else ""),
            *(
                f"  {x.session_code:<14} {x.held_on}  {x.people:>4} people"
                + (f"  version {x.version}" if x.version > 1 else "")
                + ("  (confidential)" if x.confidential else "")
                + f"  {x.pdf}"
                for x in s.sheets
            ),
            *(f"  not delivered (nobody to send it to): {c}" for c in s.not_delivered),
        ],
    )


@app.command()
def record(
    employee_id: Annotated[str, typer.Argument(help="The cadre's employee id (工号).")],
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the PDF (default: the reports folder's records)."),
    ] = None,
    lang: Lang = None,
    confidential: Annotated[
        bool,
        typer.Option(
            help="Include the admonition track (for the discipline inspection body); the PDF goes "
            "to a confidential folder, encrypted with LIANJIE_CONFIDENTIAL_PASSWORD when set."
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Render one cadre's integrity education record (廉政教育档案) across every quarter on file.

    Every record produced is logged (who, when, which cadre, confidential or not): see
    `lianjie export access`.
    """
    from flows.cadre_record import produce_record

    check_lang(lang)
    if out is not None:
        checked_output(check_output_folder, out)
    path = run(lambda: produce_record(employee_id, out, lang, confidential), quiet=quiet)
    typer.echo(f"Record of {employee_id}{' (confidential)' if confidential else ''}: {path}")


@app.command()
def export(
    what: Annotated[
        str,
        typer.Argument(
            help="tracks, sessions, enrolments, messages, completions, outstanding, rejects, "
            "changes, attendance (per session: enrolled, present, absent, excused, not filled "
            "in), or access (who produced which cadre's record; needs no quarter)."
        ),
    ],
    quarter: Annotated[
        str, typer.Option("--quarter", "-q", help="Quarter, written YYYYQn (2026Q4).")
    ] = "",
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
    from lianjie.exports import Export, Format, build_rows, serialise, write

    try:
        kind, fmt = Export(what), Format(format_)
    except ValueError:
        raise fail(
            f"cannot export {what!r} as {format_!r}: choose one of "
            f"{', '.join(Export)} and a format of {', '.join(Format)}"
        ) from None
    if kind is not Export.access:
        if not quarter:
            raise fail(f"exporting {kind.value} needs --quarter YYYYQn")
        quarter = check_quarter(quarter)
    if fmt is Format.xlsx and out is None:
        raise fail("an .xlsx export needs --out FILE")
    if out is not None:
        checked_output(check_output_file, out)

    def build() -> bytes:
        from flows.common import as_of_moment, now, settings
        from flows.parameters import parse_quarter
        from flows.progress import stage
        from models.db import session_for
        from models.facts import load_quarter
        from models.outbox import quarter_messages
        from models.records import access_log

        config = settings()
        if kind is Export.access:
            with session_for(config.db_url) as session:
                return serialise(kind, access_log(session=session), fmt)
        label = parse_quarter(quarter).label
        day = as_of_moment(as_of.date() if as_of else None, now(config)).date()
        with stage(f"reading {label}", 2) as steps, session_for(config.db_url) as session:
            data = load_quarter(session=session, quarter=label)
            if data is None:
                raise LianjieInputError(f"quarter {label} has not been started")
            outbox = (
                quarter_messages(session=session, quarter=label) if kind is Export.messages else []
            )
            steps.advance(doing=f"writing {kind.value}")
            rows = build_rows(kind, data, outbox, confidential=confidential, as_of=day)
            written = serialise(kind, rows, fmt, confidential=confidential)
            steps.advance(doing=f"{len(rows):,} rows of {kind.value}")
        return written

    write(run(build, quiet=quiet), fmt, out)


@app.command()
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
        from core.domain import Quarter as Period
        from flows.common import settings, today
        from lianjie.demo import demo_quarter

        label = quarter or Period.containing(today(settings())).label
        return demo_quarter(quarter=label)

    result = run(go, json_=json_, quiet=quiet)
    emit(
        result,
        json_,
        lambda s: [
            *_cycle_lines(s.cycle),
            *(
                f"Dispatch {d.date}: {d.sent} sent, {d.failed} failed, "
                f"{d.expired} expired{PASSED if d.expired else ''}"
                for d in s.dispatches
            ),
            *(
                f"Completions {Path(c.files[0].source).name}: {c.read} rows read, "
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
            f"Reports: {s.reports.rendered} PDFs in {out / 'reports' / s.quarter}",
            f"  summary: {next(r.path for r in s.reports.reports if r.kind == 'summary')}",
            f"Messages written to {out / 'outbox'}",
        ],
    )


@app.command()
def serve(
    port: Annotated[
        int, typer.Option(help="Port of the Prefect server started when PREFECT_API_URL is unset.")
    ] = 4200,
) -> None:
    """Serve every deployment with its schedule from this process (no work pool needed).

    With PREFECT_API_URL set, the deployments go to that server; without it, a Prefect server is
    started on 127.0.0.1:PORT for as long as this runs (its UI included). Ctrl-C or SIGTERM stops
    both within seconds.
    """
    from lianjie.serving import serving

    with serving(port) as api_url:

        def serve_until_stopped() -> None:
            from flows.serving import banner, serve_all

            def ready() -> None:  # every deployment registered: the banner's commands work
                for line in banner(api_url):
                    typer.echo(line)

            serve_all(ready)

        try:
            run(serve_until_stopped)
        except typer.Exit as stop:
            if stop.exit_code != 130:  # 130: interrupted, as asked
                raise
    typer.echo("lianjie serve: stopped")


@app.command()
def doctor() -> None:
    """Check the database, Prefect API, fonts (CJK included), output folder and mail settings."""
    from lianjie.doctor import checks, warnings

    for warning in warnings():
        typer.echo(f"WARN prefect: {warning}")
    results = run(checks)
    for ok, name, detail in results:
        typer.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if not all(ok for ok, _, _ in results):
        raise typer.Exit(EXIT_FAILURE)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema (Alembic migrations to the newest)."""

    def upgrade() -> str:
        from flows.common import settings
        from models.db import engine_for, redacted_url

        url = settings().db_url
        engine_for(url)
        return redacted_url(url)

    typer.echo(f"database ready: {run(upgrade)}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
