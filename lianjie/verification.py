"""What `lianjie verify` answers: a PDF's version in the register of issued reports, or why it
is not there (what its own manifest claims, when it carries one)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from pydantic import BaseModel
from pypdf import PdfReader

from models.db import session_for, stored_utc
from models.issued import delivered, issued_as


class Verdict(BaseModel):
    file: str
    sha256: str
    issued: bool
    quarter: str = ""
    kind: str = ""
    unit_code: str = ""
    lang: str = ""
    as_of: datetime | None = None
    issued_at: datetime | None = None
    latest: bool = False
    latest_sha256: str = ""
    latest_as_of: datetime | None = None
    delivered: int = 0
    claims: dict[str, object] = {}  # what the file's own manifest says, when not issued

    def lines(self) -> list[str]:
        if not self.issued:
            said = [
                f"{self.file}: NOT a report lianjie issued (its SHA-256 {self.sha256[:16]}… "
                "matches no report version in the register; registers, letters, cards and "
                "sheets are not registered)"
            ]
            if self.claims:
                said.append(
                    f"  it carries a manifest for {self.claims.get('quarter')} "
                    f"{self.claims.get('kind')} {self.claims.get('unit_code') or ''} as of "
                    f"{self.claims.get('as_of')}: changed since it was issued, or issued by "
                    "another installation"
                )
            return said
        unit = f" of {self.unit_code}" if self.unit_code else ""
        moment = self.as_of.isoformat() if self.as_of else "an unrecorded moment"
        said = [
            f"{self.file}: issued by lianjie — the {self.kind} report{unit} for {self.quarter} "
            f"({self.lang}), as of {moment}",
            f"  issued {self.issued_at.isoformat() if self.issued_at else ''}; "
            f"delivered to {self.delivered} reader(s)",
        ]
        if self.latest:
            said.append("  the latest version")
        else:
            said.append(
                f"  NOT the latest version: a later one (as of "
                f"{self.latest_as_of.isoformat() if self.latest_as_of else '?'}, "
                f"SHA-256 {self.latest_sha256[:16]}…) was issued after it"
            )
        return said


def verdict(db_url: str, sha256: str, file: Path, zone: tzinfo = UTC) -> Verdict:
    """The register's word on these bytes, its times in the organisation's zone."""

    def local(moment: datetime | None) -> datetime | None:
        return moment and stored_utc(moment).astimezone(zone).replace(microsecond=0)

    with session_for(db_url) as session:
        found = issued_as(session, sha256)
        if found is None:
            return Verdict(file=str(file), sha256=sha256, issued=False, claims=_claims(file))
        version, latest = found
        return Verdict(
            file=str(file),
            sha256=sha256,
            issued=True,
            quarter=version.quarter,
            kind=str(version.kind),
            unit_code=version.unit_code,
            lang=version.lang,
            as_of=local(version.as_of),
            issued_at=local(version.issued_at),
            latest=latest.sha256 == version.sha256,
            latest_sha256=latest.sha256,
            latest_as_of=local(latest.as_of),
            delivered=delivered(session, version),
        )


def _claims(file: Path) -> dict[str, object]:
    """The manifest a lianjie report carries, if this file has one (anyone can write one: it
    is what the file claims, not what the register says)."""
    quiet = logging.getLogger("pypdf")
    level, quiet.level = quiet.level, logging.CRITICAL  # its warnings quote the file's bytes
    try:
        inside = PdfReader(file).attachments.get("manifest.json")
        return dict(json.loads(inside[0])) if inside else {}
    except Exception:  # a broken PDF: it claims nothing
        return {}
    finally:
        quiet.setLevel(level)
