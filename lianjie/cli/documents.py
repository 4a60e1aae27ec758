"""The commands that render documents: reports, sign-in sheets, a cadre's record and the talk
registers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from core.paths import check_output_folder
from lianjie.cli.options import Day, Json, Lang, QuarterOption, Quiet
from lianjie.cli.runner import (
    check_as_of,
    check_lang,
    check_quarter,
    checked_output,
    emit,
    fail,
    run,
)
from lianjie.cli.summaries import counted


def report(
    quarter: QuarterOption = "",
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
    from flows.annual import annual_report
    from flows.parameters import RunLanguage
    from flows.reporting.accountability import accountability_reports

    check_lang(lang)
    check_as_of(as_of)
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


def sheets(
    quarter: QuarterOption = "",
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
                f"  {x.session_code:<14} {x.held_on}  {counted(x.people, 'person', 'people'):>11}"
                + (f"  version {x.version}" if x.version > 1 else "")
                + ("  (confidential)" if x.confidential else "")
                + f"  {x.pdf}"
                for x in s.sheets
            ),
            *(f"  not delivered (nobody to send it to): {c}" for c in s.not_delivered),
        ],
    )


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
    path = run(
        lambda: produce_record(employee_id, out, lang, confidential), quiet=quiet, flows=False
    )
    typer.echo(f"Record of {employee_id}{' (confidential)' if confidential else ''}: {path}")


def talks(
    quarter: QuarterOption = "",
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the registers (default: the quarter's reports, talks/)."),
    ] = None,
    lang: Lang = None,
    quiet: Quiet = False,
) -> None:
    """Write each talker's register of the talks they owe this quarter (谈话登记表): a PDF to
    hold the talks by, and a workbook that `lianjie collect` reads back once they are held;
    and each commitment letter still to sign (廉洁承诺书), to take to its talk.

    Reminder talks are confidential: their registers go to a `confidential` folder, encrypted
    with LIANJIE_CONFIDENTIAL_PASSWORD when set, named by number, and are not listed here.
    """
    from core.domain import Quarter
    from flows.common import settings, this_quarter
    from flows.talk_registers import write_talk_registers

    check_lang(lang)
    label = check_quarter(quarter) if quarter else ""
    if out is not None:
        checked_output(check_output_folder, out)
    made, letters = run(
        lambda: write_talk_registers(
            Quarter.parse(label) if label else this_quarter(settings()), out, lang
        ),
        quiet=quiet,
        flows=False,
    )
    # The confidential registers are not told of: their talkers and counts would say whose
    # units have cadres showing signs (docs/flows.md says where they go).
    for register in (r for r in made if not r.confidential):
        typer.echo(f"{register.talker}: {counted(register.talks, 'talk')}, {register.pdf}")
    if letters:
        typer.echo(f"{counted(len(letters), 'commitment letter')} to sign: {letters[0].parent}")
