"""sign-in-sheets: the paper each session runs on, made ahead and sent to whoever organises it.

Each working day at 08:00 the sessions of the next working days get their sign-in sheet: a PDF
to print and sign, and a workbook to fill in afterwards, which `collect-completions` reads back.
A sheet goes out once per list of people; when the enrolment changes, a new version goes out,
marked as such. Admonition sessions' sheets stay in the confidential folder and go to the
discipline inspection body alone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, cast

from prefect import flow, task
from pydantic import BaseModel

from core.domain import Quarter, name_in
from core.exceptions import LianjieInputError
from core.settings import Settings
from flows.artifact_tables import TableWords, artifact_key, publish_table
from flows.common import (
    RunSettings,
    expected_failures,
    log,
    quarter_policy,
    scheduled_day,
    settings,
    skipped,
    today,
    working_calendar,
)
from flows.parameters import (
    UNSET,
    Day,
    FormLanguage,
    FormText,
    QuarterLabel,
    given_day,
    titled,
)
from flows.progress import stage
from flows.run_names import run_name
from flows.starting import started
from models.db import session_for
from models.education import stored_sessions
from models.outbox import add_messages, sheet_versions_sent
from models.placements import load_placements
from reports.render import labels, render_many
from reports.sealed import pending_path, place_confidential, placed_path
from reports.sheet_plan import PlannedSheet, planned_sheets, sheet_mail
from reports.sheets import (
    chosen_sessions,
    write_sheet_workbook,
)


class SheetOut(BaseModel):
    """A session's sheet as made: what the summary, the JSON output and the artifact show."""

    session_code: str
    programme: str
    held_on: date
    people: int
    version: int
    confidential: bool
    pdf: str
    workbook: str
    sent_to: str = ""  # "organiser", "discipline", or "" (not delivered)

    @classmethod
    def of(cls, sheet: PlannedSheet) -> SheetOut:
        return cls(
            session_code=sheet.session.code,
            programme=sheet.session.programme_code,
            held_on=sheet.session.held_on,
            people=len(sheet.lines),
            version=sheet.version,
            confidential=sheet.programme.confidential,
            pdf=str(sheet.job.path),
            workbook=str(sheet.workbook),
        )


class SheetsSummary(BaseModel):
    quarter: str
    rendered: int
    sheets: list[SheetOut]
    queued_for_organisers: int = 0
    not_delivered: list[str] = []  # sessions nobody could be sent the sheet for


@task(persist_result=False)
def make_sheets(
    *, run: RunSettings, quarter: Quarter, chosen: list[str], folder: str
) -> list[SheetOut]:
    """Render each chosen session's PDF and write its workbook."""
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        placements = load_placements(session=session, quarter=quarter)
        sent = sheet_versions_sent(session=session, codes=chosen)
    planned = planned_sheets(
        placements,
        loaded.policy,
        chosen=chosen,
        sent=sent,
        lang=run.lang,
        organisation=run.organisation,
        folder=Path(folder),
    )
    secret = [sheet for sheet in planned if sheet.programme.confidential]
    # An admonition session's sheet is written in clear only in its pending folder, then
    # sealed into its place; refused before anything is written where clear is not allowed.
    password = settings().confidential_password_for_output() if secret else None
    sealed = [replace(s, job=replace(s.job, path=pending_path(s.job.path))) for s in secret]
    made = [sheet for sheet in planned if not sheet.programme.confidential] + sealed
    for sheet in made:
        write_sheet_workbook(
            sheet.workbook,
            sheet.session,
            name_in(sheet.programme, run.lang),
            sheet.lines,
            lang=run.lang,
            labels=labels(run.lang),
        )
    render_many([sheet.job for sheet in made])
    for sheet in sealed:
        place_confidential(sheet.job.path, placed_path(sheet.job.path), password)
        place_confidential(sheet.workbook, placed_path(sheet.workbook), password)
    return [SheetOut.of(sheet) for sheet in planned]


@task(persist_result=False)
def queue_sheets(
    *, run: RunSettings, quarter: Quarter, sheets: list[SheetOut], on: date
) -> tuple[int, dict[str, str]]:
    """Queue each sheet for its organiser (or, confidential, the discipline inspection body);
    the same version is queued once."""
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        mail = sheet_mail(
            load_placements(session=session, quarter=quarter),
            loaded.policy,
            sheets,
            organiser=run.organiser_email,
            discipline_email=run.discipline_email,
            quarter=quarter,
            lang=run.lang,
            organisation=run.organisation,
            on=on,
        )
        queued = add_messages(session=session, rows=mail.rows)
    for sheet in mail.nobody:
        log().warning(
            "%s: nobody to send the sign-in sheet to (%s)",
            sheet.session_code,
            "LIANJIE_DISCIPLINE_EMAIL"
            if sheet.confidential
            else "policy sign_in_sheets.organisers, or LIANJIE_ORGANISER_EMAIL",
        )
    return queued, mail.sent_to


@flow(name="sign-in-sheets", flow_run_name=run_name("sign-in-sheets"), log_prints=True)
@expected_failures
def sign_in_sheets(
    quarter: Annotated[QuarterLabel, titled("Quarter 季度")] = UNSET,
    session: Annotated[FormText, titled("Session code (empty: by date) 场次编号")] = "",
    day: Annotated[Day, titled("Sessions on this day 会议日期")] = UNSET,
    out: Annotated[FormText, titled("Output folder 输出目录")] = "",
    lang: Annotated[FormLanguage, titled("Language 语言")] = UNSET,
    deliver: Annotated[bool, titled("E-mail the sheets to the organisers 发送签到表")] = False,
    only_on_working_days: Annotated[bool, titled("Only on working days 仅在工作日运行")] = False,
) -> SheetsSummary:
    """Make the sign-in sheets (签到表) of sessions: a PDF to sign and a workbook to fill in.

    Args:
        quarter: The quarter, written YYYYQn; empty means the current one.
        session: One session's code, e.g. 26Q4-IO-01; empty means the sessions of `day`, or
            those of the next working days (policy sign_in_sheets.days_ahead, 2 by default).
        day: The sessions held on this day; empty means the next working days.
        out: Folder for the sheets; empty means the quarter's folder under LIANJIE_OUTPUT_DIR
            (…/2026Q4/sheets, admonition sessions' in …/2026Q4/confidential/sheets).
        lang: Language of the sheets (zh or en); empty means LIANJIE_LANG.
        deliver: Queue each sheet for its programme's organiser (policy, else
            LIANJIE_ORGANISER_EMAIL), once per list of people; confidential ones for
            LIANJIE_DISCIPLINE_EMAIL only. The next dispatch sends them.
        only_on_working_days: Do nothing on a day off (the schedule fires every day and sets it).
    """
    config = settings()
    on = scheduled_day(config) if only_on_working_days else today(config)
    calendar = working_calendar(config, on, date(on.year + 1, 12, 31))
    if only_on_working_days and not calendar.is_working_day(on):
        return cast(SheetsSummary, skipped(f"{on} is not a working day: no sign-in sheets today"))
    start = started(quarter, lang, config=config)
    run, period = start.run, start.quarter
    # Only what picks the sessions: the tasks load the people of those picked.
    with session_for(config.db_url) as db:
        _, loaded = quarter_policy(session=db, quarter=period)
        sessions = stored_sessions(session=db, quarter=period)
    ahead = loaded.policy.sign_in_sheets.days_ahead
    picked = chosen_sessions(
        sessions,
        code=session,
        day=given_day(day),
        upcoming=(calendar.shift_working_days(on, 1), calendar.shift_working_days(on, ahead)),
    )
    if session and not picked:
        raise LianjieInputError(f"no session {session.strip().upper()} in {period.label}")
    folder = out or str(config.reports_dir / period.label)
    with stage("making sign-in sheets", len(picked), key=f"sheets-{period.label}") as steps:
        sheets = make_sheets(
            run=run, quarter=period, chosen=[s.code for s in picked], folder=folder
        )
        steps.advance(len(picked))
    queued, sent_to = 0, dict[str, str]()
    if deliver:
        queued, sent_to = queue_sheets(run=run, quarter=period, sheets=sheets, on=on)
    summary = SheetsSummary(
        quarter=period.label,
        rendered=len(sheets),
        sheets=[s.model_copy(update={"sent_to": sent_to.get(s.session_code, "")}) for s in sheets],
        queued_for_organisers=queued,
        not_delivered=[s.session_code for s in sheets if deliver and s.session_code not in sent_to],
    )
    publish_sheets(summary, config)
    return summary


def publish_sheets(summary: SheetsSummary, config: Settings) -> None:
    """The sheets made, as a table in the Prefect UI: codes and counts, no names. Confidential
    sessions are only counted: a code, a date and a head count, set beside the roster, name
    the people on the admonition track."""
    words = TableWords(config.lang)
    rows: list[dict[str, object]] = [
        {
            "session": s.session_code,
            "held_on": words.day(s.held_on),
            "people": s.people,
            "version": s.version,
            "sent_to": words.word(s.sent_to),
            "pdf": Path(s.pdf).name,
        }
        for s in summary.sheets
        if not s.confidential
    ]
    if hidden := sum(s.confidential for s in summary.sheets):
        rows.append({"session": words.word("confidential_sessions"), "sheets": hidden})
    publish_table(
        artifact_key("sheets", summary.quarter or "none"),
        words.table(rows),
        words.title("sheets", quarter=summary.quarter),
    )
