"""Confidential files sealed on their way to their place: a confidential PDF or workbook (the
admonition list, a confidential record, an admonition session's sign-in sheet) is written in
clear only in a folder of its owner's (0700) that nothing serves, then encrypted into its
place, so that the file at its final name never exists in clear."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile
from pypdf import PdfReader, PdfWriter

PENDING = ".pending"


def pending_path(final: Path) -> Path:
    """Where a confidential file to be placed at `final` is written first, in clear."""
    return final.parent / PENDING / final.name


def placed_path(pending: Path) -> Path:
    """The place of a confidential file written at `pending` (the inverse of pending_path)."""
    return pending.parent.parent / pending.name


def place_confidential(written: Path, final: Path, password: str | None) -> str:
    """Move a confidential PDF or workbook from its pending folder to its place, encrypted on
    the way when a password is set. Returns the placed file's sha256."""
    final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if password is None:
        data = written.read_bytes()
        os.replace(written, final)
        return hashlib.sha256(data).hexdigest()
    sealed = _encrypted_workbook if final.suffix == ".xlsx" else _encrypted_pdf
    data = sealed(written, password)
    temporary = final.with_name(f".{final.name}.tmp")
    with temporary.open("wb") as handle:
        os.chmod(temporary, 0o600)
        handle.write(data)
    os.replace(temporary, final)
    written.unlink()
    return hashlib.sha256(data).hexdigest()


def _encrypted_pdf(path: Path, password: str) -> bytes:
    """AES-256, the same password to open and to change it."""
    if not password:
        raise ValueError("an empty password encrypts nothing")
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _encrypted_workbook(path: Path, password: str) -> bytes:
    """Office's own agile encryption: Excel and WPS ask for the password to open it."""
    if not password:
        raise ValueError("an empty password encrypts nothing")
    out = io.BytesIO()
    with path.open("rb") as source:
        OOXMLFile(source).encrypt(password, out)
    return out.getvalue()
