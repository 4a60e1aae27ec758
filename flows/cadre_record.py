"""lianjie record: one cadre's education record across every quarter on file, access logged."""

from __future__ import annotations

import getpass
from dataclasses import replace
from pathlib import Path

from core.exceptions import LianjieInputError
from core.settings import Settings
from flows.common import now, settings
from flows.progress import stage
from models.db import session_for
from models.facts import QuarterData
from models.records import log_access, record_data
from models.tables import Message
from reports.record import cadre_record
from reports.render import Rendered, RenderJob, labels, render_pdf, safe_file_name
from reports.sealed import pending_path, place_confidential


def produce_record(
    employee_id: str, out: Path | None, lang: str | None, confidential: bool
) -> Path:
    """Render the record to a PDF (readable by its owner only) and log that it was produced.

    With `confidential` the admonition track is included, the file goes to a `confidential`
    folder and, when LIANJIE_CONFIDENTIAL_PASSWORD is set, is encrypted with it.
    """
    config = settings()
    language = lang or config.lang.value
    with stage("reading the record", 2) as steps:
        with session_for(config.db_url) as session:
            quarters = record_data(session=session, employee_id=employee_id)
        if not quarters:
            raise LianjieInputError(f"no cadre {employee_id} on any quarter's roster")
        steps.advance(doing="rendering the record")
        done = _rendered(employee_id, quarters, out, language, confidential, config)
        steps.advance(doing="record rendered")
    with session_for(config.db_url) as session:
        log_access(
            session=session,
            employee_id=employee_id,
            os_user=getpass.getuser(),
            confidential=confidential,
            path=str(done.path),
        )
    return done.path


def _rendered(
    employee_id: str,
    quarters: list[tuple[QuarterData, list[Message]]],
    out: Path | None,
    language: str,
    confidential: bool,
    config: Settings,
) -> Rendered:
    context = cadre_record(
        employee_id,
        quarters,
        labels=labels(language),
        organisation=config.organisation,
        as_of=now(config),
        confidential=confidential,
    )
    folder = out or config.reports_dir / "records"
    if confidential:
        folder = folder / "confidential"
    path = folder / safe_file_name("record", employee_id, language)
    if not confidential:
        return render_pdf(RenderJob("record.html.j2", context, path))
    password = config.confidential_password_for_output()
    # In clear only in the pending folder (0700); placed encrypted when a password is set.
    done = render_pdf(RenderJob("record.html.j2", context, pending_path(path)))
    sha256 = place_confidential(done.path, path, password)
    return replace(done, path=path, sha256=sha256)
