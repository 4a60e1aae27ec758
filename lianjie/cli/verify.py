"""`lianjie verify FILE`: whether lianjie issued this PDF, of what, at which moment, and
whether it is the latest version."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer

from lianjie.cli.options import Json
from lianjie.cli.runner import emit, fail, run

NOT_ISSUED = 3  # the exit code of a file lianjie did not issue (2: bad input, 1: a failure)


def verify(
    file: Annotated[Path, typer.Argument(help="The PDF to check.")],
    json_: Json = False,
) -> None:
    """Say whether lianjie issued this PDF: for which quarter, unit and moment, whether it is
    the latest version of that report, and to how many readers it was delivered.

    The register holds the reports (unit reports, summaries, confidential lists, year reports).
    Exit 0 when lianjie issued it (the latest version or not), 3 when it is not a report
    version in the register (changed since, made elsewhere, or another kind of document), 2
    when the file cannot be read or is not a PDF.
    """
    if file.is_dir():
        raise fail(f"{file} is a folder: give one PDF")
    if not file.is_file():
        raise fail(f"{file}: no such file")
    data = file.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise fail(f"{file} is not a PDF")
    sha256 = hashlib.sha256(data).hexdigest()

    def look_up() -> Any:
        from flows.common import settings
        from lianjie.verification import verdict

        config = settings()
        return verdict(config.db_url, sha256, file, config.zone)

    found = run(look_up, json_=json_, flows=False)
    emit(found, json_, lambda v: v.lines())
    if not found.issued:
        raise typer.Exit(NOT_ISSUED)
