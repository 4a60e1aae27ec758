"""collect-completions: import completion data from sign-in sheets and learning platforms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated

from prefect import flow, task
from pydantic import BaseModel, computed_field

from core.domain import Quarter
from core.exceptions import LianjieInputError
from core.settings import Settings
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
from flows.messages import plan_messages
from flows.parameters import (
    UNSET,
    Day,
    Names,
    QuarterLabel,
    existing_file,
    given_day,
    parse_quarter,
    titled,
)
from flows.progress import stage
from intake.completions import CompletionRecord, parse_completions
from intake.read import read_table
from models.completions import completion_lookups, store_completions
from models.db import session_for
from models.education import store_schedule, stored_sessions
from models.facts import load_quarter
from models.roster import find_import, record_import
from policy.progress import makeup_absentees
from policy.schedule import SchedulePlan, plan_makeups


class CollectSummary(BaseModel):
    quarter: str
    read: int
    accepted: int
    rejected: int
    files: list[ImportSummary]
    makeups: dict[str, int] = {}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejects(self) -> list[RejectOut]:
        """Every file's rejected rows, each naming its file."""
        return [r for f in self.files for r in f.rejects]


@task
def import_completions(
    *, run: RunSettings, quarter: str, file: str, sheet: str = ""
) -> ImportSummary:
    """Read one completion file into the quarter; the same file twice changes nothing."""
    table = read_table(Path(file), sheet=sheet or None, limits=run.read_limits)
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
        log_layout(log(), result)
        entry = record_import(
            session=session,
            quarter=quarter,
            kind="completions",
            source=table.source,
            sha256=table.sha256,
            read=result.read,
            accepted=len(result.accepted),
            rejects=result.rejects,
        )
        store_completions(
            session=session,
            quarter=quarter,
            rows=completion_rows(result.accepted, import_id=entry.id, source=table.source),
        )
    log().info(
        "%s: %d rows read, %d accepted, %d rejected",
        table.source,
        result.read,
        len(result.accepted),
        len(result.rejects),
    )
    return ImportSummary.of(result)


def log_makeups(plan: SchedulePlan, *, quarter: str) -> None:
    log().info(
        "make-ups: %d new sessions, %d people booked", len(plan.new_sessions), len(plan.enrolments)
    )
    if plan.unplaced:
        log().warning(
            "%d people missed a session and no working day is left in %s for a "
            "make-up; they stay outstanding",
            len(plan.unplaced),
            quarter,
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


@task
def offer_makeups(*, run: RunSettings, quarter: str, as_of: date) -> dict[str, int]:
    """Book absent and excused people on the next make-up session of what they missed."""
    period = Quarter.parse(quarter)
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        rules = loaded.policy
        data = load_quarter(session=session, quarter=quarter)
        assert data is not None  # quarter_policy has checked that the quarter exists
        calendar = run.calendar(period.starts_on, period.ends_on)
        first = calendar.shift_working_days(as_of, rules.sessions.makeup_lead_working_days)
        plan = plan_makeups(
            quarter=period,
            programmes=[p for p in rules.programmes if not p.joint_with],
            absentees=makeup_absentees(data, seating=rules.seating, as_of=as_of),
            existing=stored_sessions(session=session, quarter=quarter),
            days=calendar.working_days(max(first, period.starts_on), period.ends_on),
            rules=rules.sessions,
        )
        store_schedule(
            session=session,
            quarter=quarter,
            new_sessions=plan.new_sessions,
            enrolments=plan.enrolments,
            withdrawals=[],
        )
    log_makeups(plan, quarter=quarter)
    return {
        "new_sessions": len(plan.new_sessions),
        "booked": len(plan.enrolments),
        "no_day_left": len(plan.unplaced),
    }


def dropped_files(config: Settings) -> list[Path]:
    """The spreadsheets waiting in the drop folder, oldest first."""
    if config.drop_dir is None:
        raise LianjieInputError("name the completion files, or set LIANJIE_DROP_DIR to a folder")
    found = [p for p in config.drop_dir.glob("*") if p.suffix.lower() in {".csv", ".xlsx"}]
    log().info("%d file(s) in the drop folder %s", len(found), config.drop_dir)
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


@flow(name="collect-completions", log_prints=True)
@expected_failures
def collect_completions(
    files: Annotated[Names, titled("Completion files 参训记录文件")] = (),
    quarter: Annotated[QuarterLabel, titled("Quarter 季度")] = UNSET,
    as_of: Annotated[Day, titled("Make-ups and escalations as of 截至日期")] = UNSET,
    sheet: Annotated[str, titled("Sheet of the workbooks 工作表")] = "",
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
    paths = [existing_file(f, "completion file") for f in files or dropped_files(config)]
    if not paths:
        log().info("nothing to collect")
        return CollectSummary(quarter=period.label, read=0, accepted=0, rejected=0, files=[])
    on = given_day(as_of) or today(config)
    run = RunSettings.of(config)
    with (
        one_at_a_time(config.db_url, period.label),
        stage("reading completion files", len(paths) + 1, key=f"collect-{period.label}") as steps,
    ):
        imported = [
            import_completions(run=run, quarter=period.label, file=str(p), sheet=sheet.strip())
            for p in steps.each(paths)
        ]
        steps.advance(0, doing="booking make-ups")
        makeups = offer_makeups(run=run, quarter=period.label, as_of=on)
        plan_messages(run=run, quarter=period.label, as_of=on)
        steps.advance(doing="completion data in")
    summary = CollectSummary(
        quarter=period.label,
        files=imported,
        makeups=makeups,
        **{k: sum(getattr(i, k) for i in imported) for k in ("read", "accepted", "rejected")},
    )
    publish_table(
        artifact_key("collect", period.label),
        [
            {"what": f"{Path(i.source).name}: {count}", "count": getattr(i, count)}
            for i in imported
            for count in ("read", "accepted", "rejected")
        ]
        + [{"what": f"make-ups: {k}", "count": n} for k, n in makeups.items()],
        f"Completion data collected for {period.label} on {on}",
    )
    publish_table(
        artifact_key("completion-rejects", period.label),
        reject_rows([r for i in imported for r in i.rejects]),
        f"Completion rows rejected in {period.label}",
    )
    return summary
