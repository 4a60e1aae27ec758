"""The register of what was issued: every version of every report, by its SHA-256, with what
it reports on and the moment it stands at, so that a PDF shown later can be told for what it is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import AutoString, Field, Session, SQLModel, col, select

from core.domain import REACHED, MessageKind, ReportKind
from models.bulk import insert_new
from models.tables import Message


class Issued(SQLModel, table=True):
    """A report version issued: its bytes' SHA-256, its quarter (or year), unit, kind and
    language, the moment it stands at, when it was issued and where it was written."""

    sha256: str = Field(primary_key=True)
    quarter: str = Field(index=True)  # 2026Q4, or 2026 for the year's report
    unit_code: str  # "" for the organisation's reports
    kind: ReportKind = Field(sa_type=AutoString)
    lang: str
    as_of: datetime | None = None
    issued_at: datetime
    path: str


def register(session: Session, issued: Iterable[dict[str, object]]) -> int:
    """Record report versions; one already recorded (the same bytes again) stays as it was."""
    return insert_new(session, Issued, issued, conflict_columns=["sha256"])


def issued_as(session: Session, sha256: str) -> tuple[Issued, Issued] | None:
    """The version with these bytes, and the latest version of the same report; None when
    lianjie never issued them."""
    found = session.get(Issued, sha256)
    if found is None:
        return None
    same = select(Issued).where(
        Issued.quarter == found.quarter,
        Issued.unit_code == found.unit_code,
        Issued.kind == found.kind,
        Issued.lang == found.lang,
    )
    latest = session.exec(same.order_by(col(Issued.issued_at).desc())).first()
    assert latest is not None
    return found, latest


def delivered(session: Session, issued: Issued) -> int:
    """How many report e-mails carried this version and were sent."""
    prefix = f"report:{issued.quarter}:{issued.kind}:{issued.unit_code}:{issued.sha256[:16]}:"
    query = select(Message.id).where(
        Message.kind == MessageKind.report,
        col(Message.send_key).startswith(prefix),
        col(Message.status).in_(REACHED),
    )
    return len(session.exec(query).all())


def register_rows(session: Session) -> list[dict[str, object]]:
    """The register as the export lists it, oldest first, each row saying if it is the latest."""
    rows = list(session.exec(select(Issued).order_by(col(Issued.issued_at), col(Issued.sha256))))
    latest: dict[tuple[str, str, str, str], str] = {}
    for r in rows:
        latest[(r.quarter, r.unit_code, r.kind, r.lang)] = r.sha256
    return [
        {
            "sha256": r.sha256,
            "quarter": r.quarter,
            "kind": r.kind,
            "unit_code": r.unit_code,
            "lang": r.lang,
            "as_of": r.as_of,
            "issued_at": r.issued_at,
            "path": r.path,
            "latest": latest[(r.quarter, r.unit_code, r.kind, r.lang)] == r.sha256,
            "delivered": delivered(session, r),
        }
        for r in rows
    ]
