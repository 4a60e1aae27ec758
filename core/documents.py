"""A report's address on the reports site (`lianjie web`): the same for every version of the
same report, so that a link in the Prefect UI or an e-mail keeps working when the quarter's
reports are rendered again. Never a path: the site finds the file in its register."""

from __future__ import annotations

import hashlib


def document_id(filed_under: str, kind: str, unit_code: str, lang: str) -> str:
    """The id of the report filed under a quarter (2026Q4) or a year (2026), of its kind, about
    a unit ("" for the organisation's own), in a language."""
    key = f"{filed_under}|{kind}|{unit_code}|{lang}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def document_link(site: str | None, filed_under: str, kind: str, unit_code: str, lang: str) -> str:
    """The report's address on the site at `site` (LIANJIE_REPORTS_URL); "" with no site."""
    if not site:
        return ""
    return f"{site.rstrip('/')}/documents/{document_id(filed_under, kind, unit_code, lang)}"
