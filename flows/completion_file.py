"""One completion file into the quarter: read (an admonition session's sealed workbook opened
with the password it went out with), matched to the quarter's sessions, people and programmes,
stored once by its content; a confidential programme's sheet counted, never named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from prefect import task

from core.domain import ImportKind, Quarter
from core.exceptions import LianjieInputError
from flows.artifacts import ImportSummary, log_layout
from flows.common import RunSettings, log, quarter_policy, settings, today
from flows.families import slips_in
from flows.talks import held_talks_in
from intake.completions import CompletionRecord, CompletionResult, parse_completions
from intake.family_slips import is_slip_list
from intake.read import Table, read_table
from intake.talk_register import is_talk_register
from models.completions import completion_lookups, store_completions
from models.db import session_for
from models.education import confidential_programmes
from models.roster import find_import, record_import
from policy.confidentiality import Hidden


@task(persist_result=False)
def import_completions(
    *, run: RunSettings, quarter: Quarter, file: str, sheet: str = "", on: date | None = None
) -> ImportSummary:
    """Read one completion file into the quarter, as collected `on` (today when not given);
    the same file twice changes nothing."""
    table = read_completion_file(file, sheet, run)
    if is_talk_register(table):
        return held_talks_in(table, run=run, quarter=quarter, on=on or today(settings()))
    if is_slip_list(table):
        return slips_in(table, run=run, quarter=quarter, on=on or today(settings()))
    with session_for(run.db_url) as session:
        quarter_policy(session=session, quarter=quarter)
        earlier = find_import(
            session=session, quarter=quarter, kind=ImportKind.completions, sha256=table.sha256
        )
        if earlier is not None:
            log().info("%s was already imported into %s; nothing changes", file, quarter)
            return ImportSummary.already(table.source, earlier)
        found = completion_lookups(session=session, quarter=quarter)
        result = parse_completions(
            table, cadres=found.cadres, sessions=found.sessions, programmes=found.programmes
        )
        hidden = Hidden.of(*confidential_programmes(session=session))
        secret = confidential_sheet(table.source, result, hidden)
        if not secret:  # a confidential sheet's titles name its session and programme
            log_layout(log(), result)
        refuse_another_quarters(result, table.source, quarter)
        entry = record_import(
            session=session,
            quarter=quarter,
            kind=ImportKind.completions,
            source=table.source,
            sha256=table.sha256,
            read=result.read,
            accepted=len(result.accepted),
            rejects=result.rejects,
            collected_on=on or today(settings()),
        )
        store_completions(
            session=session,
            quarter=quarter,
            rows=completion_rows(result.accepted, import_id=entry.id, source=table.source),
        )
    return logged(ImportSummary.of(result).shown(secret=secret, hidden=hidden, result=result))


def logged(summary: ImportSummary) -> ImportSummary:
    log().info(
        "%s: %d rows read, %d accepted, %d rejected",
        *(summary.source, summary.read, summary.accepted, summary.rejected),
    )
    return summary


def read_completion_file(file: str, sheet: str, run: RunSettings) -> Table:
    """The file as a table. An admonition session's sheet went out encrypted and may come back
    so: the password is a secret, read here from the settings, never a parameter."""
    password = settings().confidential_password_for_reading()
    return read_table(Path(file), sheet=sheet or None, limits=run.read_limits, password=password)


ANOTHER_QUARTERS = {"unknown_cadre", "unknown_session", "unknown_programme"}


def refuse_another_quarters(result: CompletionResult, source: str, quarter: Quarter) -> None:
    """A file none of whose rows names a session, programme or cadre of the quarter is most
    likely another quarter's: refused whole, nothing stored, rather than filling the quarter's
    rejects with it."""
    if result.accepted or not result.rejects:
        return
    if any(r.code not in ANOTHER_QUARTERS for r in result.rejects):
        return
    named = sorted({r.params.get("session_code", "") for r in result.rejects} - {""})
    sessions = f" (its sessions: {', '.join(named[:3])}{' …' if len(named) > 3 else ''})"
    raise LianjieInputError(
        f"{source}: none of its {len(result.rejects)} rows names a session or cadre of "
        f"{quarter}{sessions if named else ''}; is it another quarter's? Give --quarter"
    )


def completion_rows(
    accepted: list[CompletionRecord], *, import_id: int | None, source: str
) -> Iterator[dict[str, object]]:
    """The accepted rows as rows of the completion table, each naming its file and row."""
    return (
        {
            "employee_id": r.employee_id,
            "programme_code": r.programme_code,
            "session_code": r.session_code,
            "status": r.status,
            "attended_on": r.attended_on,
            "score": r.score,
            "hours": r.hours,
            "import_id": import_id,
            "source": Path(source).name,
            "source_row": r.row,
        }
        for r in accepted
    )


def confidential_sheet(source: str, result: CompletionResult, hidden: Hidden) -> bool:
    """A confidential programme's sheet: its name or titles name the programme or a session of
    it, or every row it gives is the programme's. (A learning platform's export of every
    programme is not one: only its rows about the programme are kept from sight.)"""
    titles = [source, *(line.text for line in result.description)]
    rows = [c.programme_code for c in result.accepted]
    return hidden.mentioned_in_any(titles) or (bool(rows) and hidden.codes.issuperset(rows))
