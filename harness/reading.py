"""What a reader of a document or message sees wrong: the rules an office writes by, checked
on the text pdfplumber extracts from a PDF and on a message as received (issue 38)."""

from __future__ import annotations

import email
import json
import re
from email import policy as email_policy
from itertools import pairwise
from pathlib import Path
from typing import Any

import pdfplumber

from reports.render import labels

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# A quarter code on its own: inside a file name (roster-2026Q4.csv, split over two lines in a
# narrow cell) it is the clerk's data, not the document's words.
QUARTER_CODE = re.compile(r"(?<![-_\w])\d{4}Q[1-4](?![-_.\w])")
FILE_NAME = re.compile(r"[\w\-.]+\.(?:csv|xlsx?|pdf)\b")
# The reject reason that shows a clerk the forms a date may take (请写成 2024-03-01、…).
FORMAT_HINT = re.compile(r"请写成[^）]*）|write it like[^)]*\)")
# Two Latin words in a row: a sentence left in English (single words, codes and addresses pass).
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}\b")
ADDRESS = re.compile(r"\S+@\S+|https?://\S+")
NESTED_QUOTES = re.compile(r"“[^”]*“")
# Only the confidential list (sealed, for the discipline body) and a person's own confidential
# messages (opaque `c-…` names) may name the admonition track.
# Any other document may say that the list goes separately, never count or rate the track.
TRACK_FIGURES = re.compile(r"(警示教育|Warning education|Admonition)\S*\s+\d")


ORGAN_AS_COMRADE = re.compile(r"(?:机关|纪委监委|组织部|办公室)同志")
SPACED_NUMBER = re.compile(r"[\u4e00-\u9fff] \d+ [\u4e00-\u9fff]")


def message_faults(text: str, lang: str) -> list[str]:
    """What a message adds to the rules: an organ is not a 同志, a number sits in its sentence."""
    if lang != "zh":
        return []
    return [f"organ as comrade {m}" for m in ORGAN_AS_COMRADE.findall(text)] + [
        f"spaced number {m!r}" for m in SPACED_NUMBER.findall(text)
    ]


def signature(path: Path) -> str:
    """An e-mail's last line: who it is from."""
    return message_text(path).strip().splitlines()[-1]


def style_faults(text: str, lang: str) -> list[str]:
    """The rules every text of a document or message keeps, as the offending fragments."""
    text = FORMAT_HINT.sub(" ", FILE_NAME.sub(" ", text))
    faults = [f"ISO date {m}" for m in ISO_DAY.findall(text)]
    faults += [f"quarter code {m}" for m in QUARTER_CODE.findall(text)]
    if lang == "zh":
        faults += [f"nested quotes {m}" for m in NESTED_QUOTES.findall(text)]
        bare = ADDRESS.sub(" ", text)
        faults += [f"English words {m!r}" for m in ENGLISH_RUN.findall(bare)]
    return faults


def overflowing_cells(path: Path, password: str | None = None) -> list[str]:
    """Text that runs out of its table cell: a character drawn across a column's edge."""
    found = []
    with pdfplumber.open(path, password=password or "") as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for table in page.find_tables():
                edges = sorted({round(x, 1) for cell in table.cells for x in (cell[0], cell[2])})
                top, bottom = table.bbox[1], table.bbox[3]
                for char in page.chars:
                    if not (top <= char["top"] and char["bottom"] <= bottom):
                        continue
                    if any(char["x0"] + 0.5 < edge < char["x1"] - 0.5 for edge in edges):
                        found.append(f"page {number}: {char['text']!r} across a column edge")
    return found


def overlapping_text(path: Path, password: str | None = None) -> list[str]:
    """Text drawn over other text on its line: a cell's words run into the next column."""
    found = []
    with pdfplumber.open(path, password=password or "") as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            lines: dict[int, list[dict[str, Any]]] = {}
            for char in page.chars:
                if char["text"].strip():
                    lines.setdefault(round(char["top"]), []).append(char)
            for chars in lines.values():
                chars.sort(key=lambda c: c["x0"])
                for before, after in pairwise(chars):
                    # more than a kerning pair (To, AV) draws one letter into another
                    if after["x0"] < before["x1"] - max(2.0, 0.4 * after["width"]):
                        found.append(f"page {number}: {before['text']}{after['text']} overlap")
    return found


def broken_headers(text: str, lang: str) -> list[str]:
    """A table's column header wrapped onto a second line (逾期未完 / 成)."""
    t = labels(lang)
    words = [*t["standing_names"].values(), t["required"], t["people"], t["rate"]]
    tails = {w[k:] for w in words for k in range(1, len(w))}
    return [f"header wrapped: {line!r}" for line in text.splitlines() if line.strip() in tails]


def pdf_text(path: Path, password: str | None = None) -> str:
    with pdfplumber.open(path, password=password or "") as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def message_text(path: Path) -> str:
    """A message as its reader receives it: an e-mail's subject and text, an SMS's words."""
    if path.suffix == ".json":
        return str(json.loads(path.read_text(encoding="utf-8"))["text"])
    received = email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
    body = received.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return f"{received['Subject']}\n{text}"


def document_faults(path: Path, lang: str, password: str | None = None) -> list[str]:
    """Every rule a PDF breaks: its words, its tables, its headers."""
    text = pdf_text(path, password)
    return (
        style_faults(text, lang)
        + overflowing_cells(path, password)
        + overlapping_text(path, password)
        + broken_headers(text, lang)
    )
