"""The documents the site serves, found by id (never by path), and its access log."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from core.documents import document_id
from core.domain import ReportKind
from lianjie.web.grants import Grant, Role, grant_for, may_read
from models.accounts import Account
from models.cadres import leadership_of
from models.records import access_log
from models.tables import RecordAccess, Report
from reports.delivery import units_read_by

DOCUMENT_ID = re.compile(r"^[0-9a-f]{20}$")


@dataclass(frozen=True, slots=True)
class Document:
    """A rendered report as the site lists it."""

    id: str
    quarter: str
    kind: ReportKind
    unit_code: str
    unit_name: str
    lang: str
    path: Path
    generated_at: datetime


def report_id(report: Report) -> str:
    """A stored report's id on the site."""
    return document_id(report.quarter, report.kind, report.unit_code, report.lang)


def reading_grant(session: Session, account: Account) -> Grant:
    """The account's grant, with, for a cadre's own account, the reports the rosters make them
    a reader of: in each quarter, those of the unit they lead and of the units in their charge."""
    grant = account_grant(account)
    if grant.role is not Role.cadre:
        return grant
    reads = {
        (quarter, unit)
        for quarter, role, own, charge in leadership_of(session=session, employee_id=grant.cadre)
        for unit in units_read_by(role, own, charge)
    }
    return replace(grant, reads=frozenset(reads))


def account_grant(account: Account) -> Grant:
    return grant_for(account.role, account.units, account.employee_id)


def readable(session: Session, grant: Grant, unit_names: dict[str, str]) -> list[Document]:
    """The documents the account may read, newest quarter first."""
    reports = session.exec(
        select(Report).order_by(
            col(Report.quarter).desc(), col(Report.kind), col(Report.unit_code), col(Report.lang)
        )
    )
    return [
        _document(r, unit_names) for r in reports if may_read(grant, r.kind, r.unit_code, r.quarter)
    ]


def found(session: Session, doc_id: str) -> Report | None:
    """The report with this id; None for an id of the wrong shape or of no report."""
    if not DOCUMENT_ID.match(doc_id):
        return None
    for report in session.exec(select(Report)):
        if report_id(report) == doc_id:
            return report
    return None


def log_read(
    session: Session, *, account: Account, report: Report | None, asked: str, served: bool
) -> None:
    """Log a download, or a refusal (of a document another role reads, or of no document).
    Whatever the discipline body does is confidential: the organisation department, reading
    the log, would learn from its reads and refusals which unit it is looking at."""
    log_event(
        session,
        account=account.name,
        action="download" if served else "refused",
        path=report.path if report is not None else f"(no document {asked[:40]!r})",
        confidential=(report is not None and report.kind == ReportKind.confidential)
        or account.role == Role.discipline,
    )


def log_refusal(session: Session, *, account: Account, path: str) -> None:
    """Log a page refused to an account (the discipline body's refusals confidential too)."""
    log_event(
        session,
        account=account.name,
        action="refused",
        path=path,
        confidential=account.role == Role.discipline,
    )


def log_event(
    session: Session, *, account: str, action: str, path: str, confidential: bool = False
) -> None:
    """One row of the access log, about the site: who, what, on which document or page."""
    session.add(
        RecordAccess(
            employee_id="",
            os_user=f"web:{account}",
            produced_at=datetime.now(UTC),
            confidential=confidential,
            path=path,
            action=action,
        )
    )
    session.commit()


def visible_log(session: Session, grant: Grant) -> list[dict[str, Any]]:
    """The access log as an account may read it: the discipline body all of it, the
    organisation department all but the confidential rows (whose subjects it must not learn)."""
    rows = access_log(session=session)
    if grant.role is Role.discipline:
        return rows
    return [row for row in rows if not row["confidential"]]


def _document(report: Report, unit_names: dict[str, str]) -> Document:
    return Document(
        id=report_id(report),
        quarter=report.quarter,
        kind=ReportKind(report.kind),
        unit_code=report.unit_code,
        unit_name=unit_names.get(report.unit_code, report.unit_code),
        lang=report.lang,
        path=Path(report.path),
        generated_at=report.generated_at,
    )
