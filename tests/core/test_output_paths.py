"""Where a command writes is checked before any work starts, and a database whose driver is
missing is named with the package to install: exit 2, one line, nothing half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.exceptions import LianjieInputError
from core.paths import check_output_file, check_output_folder
from harness.cli import lianjie


def test_a_folder_where_a_file_is_wanted(tmp_path: Path) -> None:
    with pytest.raises(LianjieInputError, match="is a folder: give the file's name"):
        check_output_file(tmp_path)


def test_a_path_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "report.pdf"
    blocker.write_text("x")
    with pytest.raises(LianjieInputError, match="is a file, not a folder"):
        check_output_file(blocker / "list.csv")
    with pytest.raises(LianjieInputError, match=f"cannot be made: {blocker} is a file"):
        check_output_folder(blocker / "reports" / "2026Q4")
    with pytest.raises(LianjieInputError, match="is a file: give a folder"):
        check_output_folder(blocker)


def test_a_missing_or_read_only_folder(tmp_path: Path) -> None:
    with pytest.raises(LianjieInputError, match="does not exist"):
        check_output_file(Path("/proc/x/y.csv"))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() != 0:  # root may write anywhere
        with pytest.raises(LianjieInputError, match="cannot be written to"):
            check_output_file(locked / "list.csv")
    assert tmp_path / "new" / "deeper" == check_output_folder(tmp_path / "new" / "deeper")
    assert not (tmp_path / "new").exists(), "checking made nothing"


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--quarter", "2026Q4", "tracks", "--out", "{tmp}"],
        ["export", "--quarter", "2026Q4", "tracks", "--out", "{tmp}/file.txt/x.csv"],
        ["export", "--quarter", "2026Q4", "tracks", "--out", "/proc/x/y.csv"],
        ["report", "--quarter", "2026Q4", "--out", "{tmp}/file.txt"],
        ["record", "E0001", "--out", "{tmp}/file.txt"],
    ],
)
def test_the_command_line_says_so_in_one_line(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file.txt").write_text("x")
    monkeypatch.setenv("LIANJIE_DATA_DIR", str(tmp_path))
    result = lianjie(*(a.format(tmp=tmp_path) for a in args))
    assert 2 == result.returncode
    assert 1 == len(result.stderr.strip().splitlines()), result.stderr
    assert result.stderr.startswith("lianjie: --out ")
    assert "Traceback" not in result.stderr
    assert ["file.txt"] == [p.name for p in tmp_path.iterdir()], "something was written"


def test_a_missing_database_driver_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANJIE_DATABASE_URL", "mysql://clerk:hunter2@127.0.0.1/lianjie")
    result = lianjie("export", "--quarter", "2026Q4", "tracks")
    assert 2 == result.returncode
    assert "the mysql driver is not installed: pip install mysqlclient" in result.stderr
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "out", ["/proc/lianjie-reports", "/sys/lianjie", "/tmp/" + "x" * 300 + "/reports"]
)
def test_a_folder_that_cannot_be_made_is_found_by_trying(out: str) -> None:
    """Issue 41: report, sheets, record and report --year with such an --out exited 1 with a
    traceback; root passes every permission check, so the folder is made and written to."""
    with pytest.raises(LianjieInputError, match="cannot be"):
        check_output_folder(Path(out))


def test_a_file_in_a_folder_that_takes_no_file_is_refused() -> None:
    with pytest.raises(LianjieInputError, match="cannot be written to"):
        check_output_file(Path("/proc/self/lianjie.csv"))
