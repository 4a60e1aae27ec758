"""Exports read from the database: the access log, or one of a quarter's lists."""

from __future__ import annotations

from datetime import date, tzinfo

from core.domain import Quarter, ReportKind
from core.exceptions import LianjieInputError
from flows.progress import stage
from lianjie.exports.columns import Export
from lianjie.exports.files import ORGANISATION_ZONE, Format, serialise
from lianjie.exports.rows import build_rows
from models.db import session_for
from models.facts import load_quarter
from models.families import family_rows
from models.issued import register_rows
from models.outbox import quarter_messages
from models.records import access_log


def access_file(
    *, db_url: str, fmt: Format, confidential: bool = False, zone: tzinfo = ORGANISATION_ZONE
) -> bytes:
    """Who produced which cadre's record, as a file's bytes; that someone's confidential
    record was made tells they are on the admonition track, so those rows need
    `--confidential`."""
    with session_for(db_url) as session:
        rows = access_log(session=session)
    shown = rows if confidential else [r for r in rows if not r["confidential"]]
    return serialise(Export.access, shown, fmt, confidential=confidential, zone=zone)


def issued_file(
    *, db_url: str, fmt: Format, confidential: bool = False, zone: tzinfo = ORGANISATION_ZONE
) -> bytes:
    """The register of every report version issued; the confidential list's versions only
    with `--confidential` (that there is one, and when, is the discipline body's to know)."""
    with session_for(db_url) as session:
        rows = register_rows(session)
    shown = rows if confidential else [r for r in rows if r["kind"] != ReportKind.confidential]
    return serialise(Export.issued, shown, fmt, confidential=confidential, zone=zone)


def quarter_file(
    *,
    db_url: str,
    kind: Export,
    quarter: Quarter,
    as_of: date,
    fmt: Format,
    confidential: bool,
    zone: tzinfo = ORGANISATION_ZONE,
) -> bytes:
    """One of a quarter's lists as a file's bytes; reading and writing it are a stage's steps."""
    if kind is Export.families:
        return families_file(db_url=db_url, quarter=quarter, fmt=fmt, confidential=confidential)
    with stage(f"reading {quarter.label}", 2) as steps, session_for(db_url) as session:
        data = load_quarter(session=session, quarter=quarter)
        if data is None:
            raise LianjieInputError(f"quarter {quarter.label} has not been started")
        # Only the messages list needs the outbox, the largest table of a quarter.
        outbox = (
            quarter_messages(session=session, quarter=quarter) if kind is Export.messages else []
        )
        steps.advance(doing=f"writing {kind.value}")
        rows = build_rows(kind, data, outbox, confidential=confidential, as_of=as_of)
        written = serialise(kind, rows, fmt, confidential=confidential, zone=zone)
        steps.advance(doing=f"{len(rows):,} rows of {kind.value}")
    return written


def families_file(*, db_url: str, quarter: Quarter, fmt: Format, confidential: bool) -> bytes:
    """The family contacts with the quarter's letters sent to each: the organisation's own
    list, which names family members, so only ever with `--confidential`."""
    if not confidential:
        raise LianjieInputError(
            "the family contacts name family members: they are exported only with --confidential"
        )
    with session_for(db_url) as session:
        rows = family_rows(session, quarter)
    return serialise(Export.families, rows, fmt, confidential=True)
