"""Every PDF as archival evidence: PDF/A (the variant in the settings, default PDF/A-3u: fonts
embedded, title, author, language and moment in its metadata), the data its figures come from
carried inside as associated files, and the same bytes for the same moment."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Embedded:
    """A file carried inside a PDF (a PDF/A-3 associated file): the data its figures come from."""

    name: str
    data: bytes
    description: str = ""


@cache
def pdf_variant() -> str | None:
    """The PDF/A variant every PDF is written in (LIANJIE_PDF_VARIANT), None for plain PDF."""
    from core.settings import Settings

    variant = Settings().pdf_variant
    return None if variant == "plain" else variant


def written(
    document: Any, target: Path, moment: datetime | None, embedded: Sequence[Embedded] = ()
) -> None:
    """Write a laid-out WeasyPrint document: archival unless a setting says plain; its dates
    the moment it stands at (now, for a document of no particular moment), so that the same
    moment gives the same bytes; the files inside with the relationship Data."""
    from weasyprint import Attachment

    stamp = (moment or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    document.metadata.created = document.metadata.modified = stamp.isoformat()
    document.write_pdf(
        target,
        pdf_variant=pdf_variant(),
        attachments=[
            Attachment(
                file_obj=io.BytesIO(e.data),
                name=e.name,
                description=e.description,
                relationship="Data",
                created=stamp,
                modified=stamp,
            )
            for e in embedded
        ],
    )
