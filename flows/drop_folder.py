"""The drop folder: where units' clerks and learning platforms leave completion files for the
daily collect. A file that cannot be read is moved aside with its reason, so that tomorrow's
run does not fail on it again and nothing is lost."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from core.exceptions import LianjieInputError
from core.settings import Settings
from flows.common import log
from models.db import utcnow


class SkippedFile(BaseModel):
    """A file that could not be imported: the rest were, and it is left for a person."""

    source: str
    reason: str
    moved_to: str | None = None  # from the drop folder: its rejected/ folder, reason beside it


def dropped_files(config: Settings) -> tuple[list[Path], list[SkippedFile]]:
    """The spreadsheets waiting in the drop folder, oldest first; anything named like one that
    is not a plain file (a folder, a pipe that would block the read) is set aside."""
    if config.drop_dir is None:
        raise LianjieInputError("name the completion files, or set LIANJIE_DROP_DIR to a folder")
    named = [p for p in config.drop_dir.glob("*") if p.suffix.lower() in {".csv", ".xlsx"}]
    found = [p for p in named if p.is_file()]
    odd = [
        set_aside(p, "not a plain file (a folder, a pipe or a device)", config.drop_dir)
        for p in named
        if not p.is_file()
    ]
    log().info("%d file(s) in the drop folder %s", len(found), config.drop_dir)
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name)), odd


def set_aside(path: Path, reason: str, drop_dir: Path | None) -> SkippedFile:
    """A bad file reported; from the drop folder, moved to its rejected/ folder with the reason
    in a text file beside it, so that tomorrow's run does not fail on it again."""
    log().warning("%s skipped: %s", path.name, reason)
    if drop_dir is None:
        return SkippedFile(source=str(path), reason=reason)
    folder = drop_dir / "rejected"
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / path.name
    if target.exists() or target.is_symlink():
        target = folder / f"{path.stem}-{utcnow():%Y%m%dT%H%M%S%f}{path.suffix}"
    path.rename(target)
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return SkippedFile(source=str(path), reason=reason, moved_to=str(target))
