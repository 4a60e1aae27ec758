"""collect-completions: import completion data from sign-in sheets and learning platforms."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from pydantic import BaseModel

from flows.common import (
    RejectOut,
    artifact_key,
    existing_file,
    log,
    parse_quarter,
    publish_table,
    quarter_policy,
    settings,
    this_quarter,
)
from flows.cycle import ImportSummary
from intake.completions import parse_completions
from intake.read import read_table
from models.completions import completion_lookups, store_completions
from models.db import session_for
from models.roster import find_import, record_import


class CollectSummary(BaseModel):
    quarter: str
    read: int
    accepted: int
    rejected: int
    files: list[ImportSummary]


@task
def import_completions(db_url: str, quarter: str, file: str) -> ImportSummary:
    """Read one completion file into the quarter; the same file twice changes nothing."""
    logger = log()
    table = read_table(Path(file))
    with session_for(db_url) as session:
        quarter_policy(session=session, quarter=quarter)
        earlier = find_import(
            session=session, quarter=quarter, kind="completions", sha256=table.sha256
        )
        if earlier is not None:
            logger.info("%s was already imported into %s; nothing changes", file, quarter)
            return ImportSummary(
                source=table.source,
                read=earlier.rows_read,
                accepted=earlier.rows_accepted,
                rejected=earlier.rows_rejected,
                already_imported=True,
            )
        found = completion_lookups(session=session, quarter=quarter)
        result = parse_completions(
            table, cadres=found.cadres, sessions=found.sessions, programmes=found.programmes
        )
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
            rows=[
                {
                    "employee_id": r.employee_id,
                    "programme_code": r.programme_code,
                    "session_code": r.session_code,
                    "status": r.status.value,
                    "attended_on": r.attended_on,
                    "score": r.score,
                    "hours": r.hours,
                    "import_id": entry.id,
                    "source": Path(table.source).name,
                    "source_row": r.row,
                }
                for r in result.accepted
            ],
        )
    logger.info(
        "%s: %d rows read, %d accepted, %d rejected",
        table.source,
        result.read,
        len(result.accepted),
        len(result.rejects),
    )
    return ImportSummary(
        source=table.source,
        read=result.read,
        accepted=len(result.accepted),
        rejected=len(result.rejects),
        unknown_columns=result.unknown_columns,
        rejects=[RejectOut.of(table.source, r) for r in result.rejects],
    )


@flow(name="collect-completions", log_prints=True)
def collect_completions(files: list[str], quarter: str = "") -> CollectSummary:
    """Import completion files (sign-in sheets, online learning, exams) for a quarter.

    Args:
        files: Paths of .xlsx or .csv completion files on the machine that runs the flow.
        quarter: The quarter the completions belong to, written YYYYQn; empty means the current one.
    """
    config = settings()
    period = parse_quarter(quarter, default=this_quarter(config))
    paths = [existing_file(f, "completion file") for f in files]
    imported = [import_completions(config.db_url, period.label, str(p)) for p in paths]
    summary = CollectSummary(
        quarter=period.label,
        files=imported,
        **{k: sum(getattr(i, k) for i in imported) for k in ("read", "accepted", "rejected")},
    )
    publish_table(
        artifact_key("completion-rejects", period.label),
        [r.model_dump() for i in imported for r in i.rejects],
        f"Completion rows rejected in {period.label}",
    )
    return summary
