"""What a reader sees in a PDF: its text, page by page, as pdfplumber extracts it."""

from __future__ import annotations

from pathlib import Path

import pdfplumber


def text_of(path: Path) -> str:
    """The whole document's text, its pages one after another."""
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)
