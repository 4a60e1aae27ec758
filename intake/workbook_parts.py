"""A workbook looked at before it is opened: what its parts unpack to, and how many sheets it
holds. openpyxl builds a Python object for every shared string, style, merged range and sheet
it reads, so a small hostile file (an 837 KB workbook of 20 million shared strings) can ask for
gigabytes. Those files are refused from the zip's directory, before anything is unpacked."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import msoffcrypto
from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError

from core.exceptions import UnreadableFileError

SMALL_PART = 16 << 20  # a part unpacking to less than this is read as it is
MAX_RATIO = 100  # an office's XML packs 5 to 20 times; a part packed further is a bomb
MAX_SHEETS = 255  # more is not a roster or a sign-in sheet, and each costs a reader
UNPACKED_PER_MB = 10  # a workbook may unpack to this many times LIANJIE_MAX_FILE_MB
SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b")


def inspect_parts(source: object, data: bytes, *, file_mb: int) -> None:
    """Refuse a workbook whose parts unpack far beyond what an office saves, or that holds
    more sheets than anyone sends; a zip that cannot be read is left for the reader to say."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return
    total = sum(p.file_size for p in parts)
    for part in parts:
        packed = max(part.compress_size, 1)
        if part.file_size > SMALL_PART and part.file_size > MAX_RATIO * packed:
            raise UnreadableFileError(
                f"{source}: its part {part.filename} unpacks to {part.file_size >> 20} MB from "
                f"{packed >> 10} KB ({part.file_size // packed}-fold): not a workbook an office "
                "saves; save it again as .xlsx or .csv"
            )
    budget = file_mb * UNPACKED_PER_MB
    if total >> 20 > budget:
        raise UnreadableFileError(
            f"{source}: the workbook unpacks to {total >> 20} MB, over {budget} MB "
            f"({UNPACKED_PER_MB} times the limit of LIANJIE_MAX_FILE_MB)"
        )
    book = next((p for p in parts if p.filename == "xl/workbook.xml"), None)
    if book is not None and book.file_size <= SMALL_PART:
        sheets = len(SHEET_TAG.findall(archive.read(book)))
        if sheets > MAX_SHEETS:
            raise UnreadableFileError(
                f"{source}: {sheets} sheets, over the {MAX_SHEETS} lianjie reads; send the "
                "sheets that hold the table"
            )


# What a broken or hostile workbook raises: a bad zip, bad XML, XML that asks for entities or a
# DTD (defusedxml refuses those: ValueError), a missing part — and whatever else openpyxl's
# descriptors raise on a part that is valid XML but not what they expect (TypeError on an empty
# <ext/>). Caught by behaviour: any failure of the reader is an unreadable workbook, said in one
# line; only running out of memory, and our own refusals, go through as they are.
UNREADABLE_XLSX = (Exception,)


def unreadable(path: object, error: Exception) -> UnreadableFileError:
    if isinstance(error, UnreadableFileError):
        return error
    if isinstance(error, MemoryError):
        raise error
    reason = (str(error).splitlines() or [""])[0][:200] or type(error).__name__
    return UnreadableFileError(f"{path}: not a readable .xlsx workbook ({reason})")


def decrypted(path: Path, data: bytes, password: str) -> bytes:
    """An encrypted workbook opened with the password its sheet was sealed with."""
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if not office.is_encrypted():
            raise FileFormatError("not encrypted")
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    except InvalidKeyError:
        raise UnreadableFileError(
            f"{path}: an encrypted workbook that LIANJIE_CONFIDENTIAL_PASSWORD does not open: "
            "save it with that password, or without one as .xlsx or .csv"
        ) from None
    except (DecryptionError, FileFormatError, *UNREADABLE_XLSX):
        raise UnreadableFileError(
            f"{path}: an encrypted or old-format (.xls) workbook: save it without a password "
            "as .xlsx or .csv"
        ) from None
    return out.getvalue()
