"""A CSV file as an office exports it: UTF-8, GB18030 or Big5 (detected, never asked for),
comma or tab, its repeated values kept once."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator
from operator import call
from pathlib import Path
from typing import cast

import charset_normalizer

from core.exceptions import UnreadableFileError
from intake.values import Cell

SHARED_VALUES = 5_000  # distinct values of a column kept once each (see csv_records)
MAX_CELL_CHARS = 10_000  # a cell longer than this is a broken export, not a name or a post
# A lookup that finds nothing, so gives the value as read (in C, as the lookups are).
_AS_IS = cast(Callable[[str, str], str], {}.get)


def csv_records(path: Path, data: bytes, widest: int) -> Iterator[list[Cell]]:
    encoding = encoding_of(path, data)
    # A NUL byte is a NUL character in each encoding read: none uses it inside a character.
    if b"\x00" in data:
        raise UnreadableFileError(f"{path}: binary data, not a CSV or XLSX file")
    # Decoded as it is read: a million cadres' roster decoded whole, and copied into a
    # StringIO, held 600 MB beside its rows.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    ahead = []
    for line in lines:
        ahead.append(line)
        if line.strip():
            break
    first_line = ahead[-1] if ahead else ""
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    csv.field_size_limit(MAX_CELL_CHARS * 10)
    reader = csv.reader(itertools.chain(ahead, lines), delimiter=delimiter)
    # A value met again in its column (a unit, a post, a rank, yes or no, a day) is kept once:
    # a million rows hold a few thousand of them. A column of values each its own (names,
    # phones) stops being looked up once it has shown SHARED_VALUES of them. Each row is
    # looked up in one call (`keep`), with the columns' lookups renewed every so many rows.
    shared: list[dict[str, str]] = []
    keep: list[Callable[[str, str], str]] = []
    try:
        for number, record in enumerate(reader):
            # Cut at one past the column limit before anything is kept per column: a line of
            # five million commas is five million columns (the header beyond it is refused).
            del record[widest:]
            if len(record) > len(shared) or number % 1024 == 0:
                shared += ({} for _ in range(len(record) - len(shared)))
                keep = [_AS_IS if len(seen) > SHARED_VALUES else seen.setdefault for seen in shared]
            yield list(map(call, keep, record, record))  # a short row: fewer
    except csv.Error as error:
        raise UnreadableFileError(
            f"{path}: broken CSV near line {reader.line_num}: {error}"
        ) from None


# Letters a Chinese roster does not hold: kana, Greek, Cyrillic, box drawing, private use.
# Big5 bytes read as GB18030 turn into them (中華民國 becomes い地チ瓣); GBK text does not.
NOT_IN_A_ROSTER = re.compile(r"[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\ue000-\uf8ff]")


# charset-normalizer's own bound: a reading messier than this is more noise than text.
MAX_MESS = 0.2
ENCODINGS_TRIED = "UTF-8, GB18030 and Big5"


def encoding_of(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), GB18030/GBK as Excel on a mainland desktop writes, or Big5
    as it writes in Hong Kong and Taiwan: detected, never asked for; anything else refused.
    The whole file decodes in the encoding answered."""
    try:
        data.decode("utf-8-sig")  # valid UTF-8 beyond ASCII is UTF-8 with near certainty
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    # A reading counts only if charset-normalizer finds it confident (little mess in it).
    confident = charset_normalizer.from_bytes(
        data,
        threshold=MAX_MESS,
        cp_isolation=["gb18030", "big5"],
        preemptive_behaviour=False,  # a charset the file declares about itself is not trusted
        enable_fallback=False,
    )
    readings = {}
    for match in confident:
        try:
            readings[match.encoding] = data.decode(match.encoding)
        except UnicodeDecodeError:  # it samples a large file: a bad byte further on rules it out
            continue
    if not readings:
        raise UnreadableFileError(
            f"{path}: not a text file in a known encoding (tried {ENCODINGS_TRIED}); "
            "save it as CSV UTF-8 or as .xlsx"
        )
    # GB18030 decodes nearly any bytes: Big5 wins only where GB18030 reads as nonsense; on a
    # tie the mainland's encoding.
    order = ["gb18030", "big5"]
    return str(
        min(
            readings,
            key=lambda name: (
                len(NOT_IN_A_ROSTER.findall(readings[name][:200_000])),
                order.index(name),
            ),
        )
    )
