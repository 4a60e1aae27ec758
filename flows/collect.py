"""collect-completions: import completion data from sign-in sheets and learning platforms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated

from prefect import flow, task
from pydantic import BaseModel, computed_field

from core.exceptions import LianjieInputError
from flows.artifacts import (
    ImportSummary,
    RejectOut,
    artifact_key,
    log_layout,
    publish_table,
    reject_rows,
)
from flows.common import (
    RunSettings,
    expected_failures,
    log,
    one_at_a_time,
    quarter_policy,
    settings,
    this_quarter,
    today,
)
from flows.drop_folder import SkippedFile, dropped_files, set_aside
from flows.makeups import NotRecordedOut, offer_makeups
from flows.messages import plan_messages
from flows.parameters import (
    UNSET,
    Day,
    FormText,
    Names,
    QuarterLabel,
    existing_file,
    given_day,
    parse_quarter,
    titled,
)
from flows.progress import stage
from intake.completions import CompletionRecord, CompletionResult, parse_completions
from intake.read import read_table
from models.completions import completion_lookups, store_completions
from models.db import session_for
from models.education import confidential_programmes
from models.roster import find_import, record_import
from models.tables import QuarterCycle
from policy.confidentiality import Hidden


class CollectSummary(BaseModel):
    quarter: str
    read: int
    accepted: int
    rejected: int
    files: list[ImportSummary]
    makeups: dict[str, int] = {}
    # Enrolled in a session whose returned sheet left them out (or blank): taken as absent,
    # and booked on a make-up, once the policy's wait has passed (`absent_from`).
    not_recorded: list[NotRecordedOut] = []
    skipped: list[SkippedFile] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejects(self) -> list[RejectOut]:
        """Every file's rejected rows, each naming its file."""
        return [r for f in self.files for r in f.rejects]


@task
def import_completions(
    *, run: RunSettings, quarter: str, file: str, sheet: str = "", on: date | None = None
) -> ImportSummary:
    """Read one completion file into the quarter, as collected `on` (today when not given);
    the same file twice changes nothing."""
    # An admonition session's sheet went out encrypted and may come back so: the password is
    # a secret, read here from the settings, never a parameter.
    password = settings().confidential_password
    table = read_table(
        Path(file),
        sheet=sheet or None,
        limits=run.read_limits,
        password=password.get_secret_value() if password else None,
    )
    with session_for(run.db_url) as session:
        quarter_policy(session=session, quarter=quarter)
        earlier = find_import(
            session=session, quarter=quarter, kind="completions", sha256=table.sha256
        )
        if earlier is not None:
            log().info("%s was already imported into %s; nothing changes", file, quarter)
            return ImportSummary.already(table.source, earlier)
        found = completion_lookups(session=session, quarter=quarter)
        result = parse_completions(
            table, cadres=found.cadres, sessions=found.sessions, programmes=found.programmes
        )
        hidden = Hidden.of(*confidential_programmes(session=session))
        secret = any(
            map(
                hidden.mentioned_in,
                [table.source, *(line.text for line in result.description)]
                + [c.programme_code for c in result.accepted],
            )
        )
        if not secret:  # a confidential sheet's titles name its session and programme
            log_layout(log(), result)
        refuse_another_quarters(result, table.source, quarter)
        entry = record_import(
            session=session,
            quarter=quarter,
            kind="completions",
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
    summary = ImportSummary.of(result)
    if secret:
        summary = summary.kept_confidential()
    log().info(
        "%s: %d rows read, %d accepted, %d rejected",
        summary.source,
        result.read,
        len(result.accepted),
        len(result.rejects),
    )
    return summary


ANOTHER_QUARTERS = {"unknown_cadre", "unknown_session", "unknown_programme"}


def refuse_another_quarters(result: CompletionResult, source: str, quarter: str) -> None:
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


def quarter_started(run: RunSettings, quarter: str) -> bool:
    """Whether a cycle has run for the quarter: the daily collect books its make-ups."""
    with session_for(run.db_url) as session:
        return session.get(QuarterCycle, quarter) is not None


@flow(name="collect-completions", log_prints=True)
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
    config = settings()
    period = parse_quarter(quarter, default=this_quarter(config))
    # Files already imported are recognised by their content and change nothing.
    from_drop = not files
    paths, skipped = (
        dropped_files(config)
        if from_drop
        else ([existing_file(f, "completion file") for f in files], [])
    )
    on = given_day(as_of) or today(config)
    run = RunSettings.of(config)
    if not paths and not quarter_started(run, period.label):
        log().info("nothing to collect")
        return CollectSummary(
            quarter=period.label, read=0, accepted=0, rejected=0, files=[], skipped=skipped
        )
    with (
        one_at_a_time(config.db_url, period.label),
        stage("reading completion files", len(paths) + 1, key=f"collect-{period.label}") as steps,
    ):
        imported = []
        for path in steps.each(paths):
            try:
                imported.append(
                    import_completions(
                        run=run, quarter=period.label, file=str(path), sheet=sheet.strip(), on=on
                    )
                )
            except LianjieInputError as error:  # one bad file does not stop the others
                skipped.append(set_aside(path, str(error), config.drop_dir if from_drop else None))
        if paths and not imported and not from_drop:
            raise LianjieInputError(skipped[0].reason)  # nothing given could be read
        steps.advance(0, doing="booking make-ups")
        # Every day, with files or none: people a sheet left out are booked once the wait
        # after it has passed, whether or not anything else comes in that day.
        offered = offer_makeups(run=run, quarter=period.label, as_of=on)
        makeups, left_off = offered.counts, offered.not_recorded
        plan_messages(run=run, quarter=period.label, as_of=on)
        steps.advance(doing="completion data in")
    summary = CollectSummary(
        quarter=period.label,
        files=imported,
        makeups=makeups,
        not_recorded=left_off,
        skipped=skipped,
        **{k: sum(getattr(i, k) for i in imported) for k in ("read", "accepted", "rejected")},
    )
    publish_table(
        artifact_key("collect", period.label),
        [
            {"what": f"{Path(i.source).name}: {count}", "count": getattr(i, count)}
            for i in imported
            for count in ("read", "accepted", "rejected")
        ]
        + [{"what": f"make-ups: {k}", "count": n} for k, n in makeups.items()]
        + [{"what": "not recorded on a returned sheet", "count": len(left_off)}]
        + [{"what": f"skipped {Path(f.source).name}: {f.reason}", "count": 0} for f in skipped],
        f"Completion data collected for {period.label} on {on}",
    )
    publish_table(
        artifact_key("completion-rejects", period.label),
        reject_rows([r for i in imported for r in i.rejects]),
        f"Completion rows rejected in {period.label}",
    )
    return summary
