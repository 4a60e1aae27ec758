"""An export's rows as a CSV, XLSX or JSON file, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from lianjie.exports.columns import COLUMNS, Export, Rows


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


# The database keeps moments in UTC; a file says them in the organisation's zone, with its offset.
ORGANISATION_ZONE = ZoneInfo("Asia/Shanghai")


def _plain(value: Any, zone: tzinfo = ORGANISATION_ZONE) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(zone).isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def _neutralised(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


# Said at the top of a confidential export, so that a clerk who opens it knows at once.
CONFIDENTIAL_MARK = (
    "内部资料 CONFIDENTIAL: includes the admonition track; for the discipline inspection body only"
)
MARKS = {
    Export.families: "内部资料 CONFIDENTIAL: names cadres' family members; for the organisation "
    "department only",
}


def serialise(
    what: Export,
    rows: Rows,
    fmt: Format,
    *,
    confidential: bool = False,
    zone: tzinfo = ORGANISATION_ZONE,
) -> bytes:
    """The rows as a file's bytes; CSV and XLSX neutralise formula-like text."""
    columns = COLUMNS[what]
    mark = MARKS.get(what, CONFIDENTIAL_MARK)
    if fmt is Format.json:
        # One shape, a list of objects, with --confidential or without: each confidential one
        # carries the marking, so that a reader of any part of the file sees it.
        marked = {"marking": mark} if confidential else {}
        records = [{c: _plain(r.get(c), zone) for c in columns} | marked for r in rows]
        return json.dumps(records, ensure_ascii=False, indent=1).encode()
    cells = [[_neutralised(_plain(r.get(c), zone)) for c in columns] for r in rows]
    if fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        if confidential:
            writer.writerow([mark])
        writer.writerow(columns)
        writer.writerows([["" if v is None else v for v in row] for row in cells])
        return buffer.getvalue().encode()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"内部资料 {what.value}" if confidential else what.value)
    if confidential:
        sheet.append([mark])
    sheet.append(columns)
    for row in cells:
        sheet.append(row)
    buffer_bytes = io.BytesIO()
    workbook.save(buffer_bytes)
    return buffer_bytes.getvalue()


def write(data: bytes, fmt: Format, out: Path | None) -> None:
    """To the file (readable by its owner only), or to stdout when no file is named."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Excel on a Chinese desktop reads a CSV as GBK unless it starts with a UTF-8 BOM.
    content = (b"\xef\xbb\xbf" if fmt is Format.csv else b"") + data
    # Written beside it and renamed over it: a symbolic link at `out` is replaced, never
    # followed (it pointed the export at another file, which was overwritten), and a reader
    # never sees half a file.
    with tempfile.NamedTemporaryFile(
        dir=out.parent, prefix=f".{out.name}.", delete=False
    ) as handle:
        temporary = Path(handle.name)
        try:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(content)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, out)
