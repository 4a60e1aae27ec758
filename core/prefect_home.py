"""Prefect's own home, owner-only: its database keeps every run's parameters and logs, and its
artifacts name sessions and cadres. Prefect creates it with the process's umask (0755/0644);
lianjie makes it 0700 and its files 0600 before Prefect is imported, and `doctor` fails on a
home another user can read."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def prefect_home() -> Path:
    """Where Prefect keeps its profile and its embedded server's database."""
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


def guard_prefect_home() -> None:
    """Everything created from here on readable by its owner only, and Prefect's home and the
    files already in it made so (a home another user owns is left as it is)."""
    os.umask(0o077)
    home = prefect_home()
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        if home.stat().st_uid != os.geteuid():
            return
        home.chmod(0o700)
        for path in home.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o700 if path.is_dir() else 0o600)
    except OSError:
        return  # a home that cannot be changed is reported by `lianjie doctor`


def readable_by_others(home: Path | None = None) -> list[Path]:
    """The home and the files in it that a user other than the owner can read."""
    home = home or prefect_home()
    if not home.exists():
        return []
    paths = [home, *(p for p in home.rglob("*") if not p.is_symlink())]
    return [p for p in paths if p.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)]
