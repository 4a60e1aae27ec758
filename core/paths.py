"""Where a command writes, checked before any work starts: one message, nothing half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from core.exceptions import LianjieInputError


def check_output_file(path: Path) -> Path:
    """A file to write: not a folder, in a folder that exists and may be written to."""
    if path.is_dir():
        raise LianjieInputError(
            f"--out {path} is a folder: give the file's name, e.g. {path}/list.csv"
        )
    _writable_folder(path.parent, for_what=f"--out {path}")
    try:
        _probe(path.parent)
    except OSError as error:
        raise LianjieInputError(f"--out {path} cannot be written to ({error.strerror})") from None
    return path


def check_output_folder(path: Path) -> Path:
    """A folder to write into (made if missing): not a file, under a folder that may be written
    to, with no file on the way. Nothing is made here."""
    try:
        return _output_folder(path)
    except OSError as error:  # a name too long, a loop of links: found only by trying
        raise LianjieInputError(f"--out {path} cannot be used ({error.strerror})") from None


def _output_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise LianjieInputError(f"--out {path} is a file: give a folder")
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing != path and not existing.is_dir():
        raise LianjieInputError(f"--out {path} cannot be made: {existing} is a file")
    _writable_folder(existing, for_what=f"--out {path}")
    longest = os.pathconf(existing, "PC_NAME_MAX")
    if any(len(part.encode()) > longest for part in path.relative_to(existing).parts):
        raise LianjieInputError(f"--out {path} cannot be made: a name in it is too long")
    # Asked by behaviour, not by permission bits alone: root passes every access check, and
    # a read-only file system or /proc refuses only when tried. A file is written where the
    # folder would be made, and removed.
    try:
        _probe(existing)
    except OSError as error:
        raise LianjieInputError(f"--out {path} cannot be made ({error.strerror})") from None
    return path


def _probe(folder: Path) -> None:
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".lianjie-probe-"):
        pass


def _writable_folder(folder: Path, *, for_what: str) -> None:
    if not folder.exists():
        raise LianjieInputError(f"{for_what}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise LianjieInputError(f"{for_what}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LianjieInputError(f"{for_what}: the folder {folder} cannot be written to")
