"""`lianjie doctor` on the Prefect server it is pointed at: a door left open is said aloud."""

from __future__ import annotations

import functools
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lianjie.doctor import server_warnings


@pytest.mark.parametrize(
    ("url", "auth", "expected"),
    [
        (None, False, []),
        ("http://127.0.0.1:4200/api", False, []),
        ("http://localhost:4200/api", False, []),
        ("http://[::1]:4200/api", False, []),
        ("https://prefect.org.example/api", True, []),
        ("https://prefect.org.example/api", False, ["PREFECT_API_AUTH_STRING is not set"]),
        ("http://10.1.2.3:4200/api", True, ["plain http:// to 10.1.2.3"]),
        (
            "http://prefect.org.example:4200/api",
            False,
            ["PREFECT_API_AUTH_STRING is not set", "plain http:// to prefect.org.example"],
        ),
    ],
)
def test_warnings_for_a_server_on_another_host(
    url: str | None, auth: bool, expected: list[str]
) -> None:
    """Another host without an auth string, or over plain http: a warning each; loopback: none."""
    found = server_warnings(url, auth)
    assert len(expected) == len(found), found
    for words, warning in zip(expected, found, strict=True):
        assert words in warning


def test_doctor_prints_the_warnings_without_needing_the_server() -> None:
    """The warnings come from the settings alone: printed even when the server never answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_API_URL": "http://prefect.invalid:4200/api",
        "PREFECT_API_REQUEST_TIMEOUT": "3",
    }
    done = subprocess.run(
        [sys.executable, "-m", "lianjie.cli", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    lines = done.stdout.splitlines()
    warned = [line for line in lines if line.startswith("WARN prefect:")]
    assert 2 == len(warned), done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert any(line.startswith("FAIL prefect:") for line in lines)  # it did not answer


def test_doctor_changes_nothing_on_disk(tmp_path: Path) -> None:
    """On a machine never used: it says what the first run will create, and creates nothing
    (a doctor that made the database it examines would hide what it found). On a database
    in use it says the schema's revision."""
    from models.db import ready_engine

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "LIANJIE_"))}
    fresh = tmp_path / "fresh"
    done = subprocess.run(
        [sys.executable, "-m", "lianjie.cli", "doctor"],
        env=env | {"LIANJIE_DATA_DIR": str(fresh)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert "not created yet" in done.stdout and "(the first run makes it)" in done.stdout
    assert not fresh.exists(), "doctor created the data folder"

    used = tmp_path / "used"
    ready_engine(f"sqlite:///{used / 'lianjie.db'}")  # a database a run made
    done = subprocess.run(
        [sys.executable, "-m", "lianjie.cli", "doctor"],
        env=env | {"LIANJIE_DATA_DIR": str(used)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert "schema at 0012" in done.stdout, done.stdout + done.stderr


WRITER_LEFT_MID_TRANSACTION = """
import os, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("PRAGMA journal_mode=WAL")
connection.execute("CREATE TABLE scratch (n INTEGER)")
connection.executemany("INSERT INTO scratch VALUES (?)", [(n,) for n in range(500)])
connection.commit()
os._exit(0)  # as a killed run leaves it: the write-ahead log never checkpointed
"""


def test_doctor_reads_a_database_in_use_without_touching_it(tmp_path: Path) -> None:
    """A write-ahead log left by a run that died is part of the database: a doctor that
    checkpointed it into the database (a new size and time) changed what it examined."""
    from models.db import ready_engine

    data = tmp_path / "data"
    database = data / "lianjie.db"
    ready_engine(f"sqlite:///{database}")
    subprocess.run([sys.executable, "-c", WRITER_LEFT_MID_TRANSACTION, str(database)], check=True)

    def state() -> dict[str, tuple[int, int, bytes]]:
        return {
            p.name: (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(data.iterdir())
        }

    before = state()
    assert "lianjie.db-wal" in before and before["lianjie.db-wal"][0] > 0
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "LIANJIE_"))}
    done = subprocess.run(
        [sys.executable, "-m", "lianjie.cli", "doctor"],
        env=env | {"LIANJIE_DATA_DIR": str(data), "PREFECT_HOME": str(tmp_path / "prefect")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "schema at 0012" in done.stdout, done.stdout + done.stderr
    assert before == state(), "doctor changed the database's files"


def test_a_prefect_home_others_can_read_fails_and_any_command_closes_it(tmp_path: Path) -> None:
    """Issue 37: Prefect's database was 0644 under PREFECT_HOME and nothing said so."""
    home = tmp_path / "prefect"
    home.mkdir(mode=0o755)
    (home / "prefect.db").write_bytes(b"")
    (home / "prefect.db").chmod(0o644)
    env = os.environ | {"PREFECT_HOME": str(home), "LIANJIE_DATA_DIR": str(tmp_path / "data")}
    run = functools.partial(
        subprocess.run, capture_output=True, text=True, timeout=300, check=False, env=env
    )
    doctor = run([sys.executable, "-m", "lianjie.cli", "doctor"])
    assert 1 == doctor.returncode and "readable by other users" in doctor.stdout, doctor.stdout
    assert 0o644 == stat.S_IMODE((home / "prefect.db").stat().st_mode), "the doctor changed it"
    run([sys.executable, "-m", "lianjie.cli", "export", "--quarter", "2026Q4", "tracks"])
    assert 0o700 == stat.S_IMODE(home.stat().st_mode)
    assert 0o600 == stat.S_IMODE((home / "prefect.db").stat().st_mode)
    again = run([sys.executable, "-m", "lianjie.cli", "doctor"])
    assert "its owner's only" in again.stdout, again.stdout


@pytest.mark.parametrize(
    ("environment", "api", "passes"),
    [
        ({}, None, True),  # a machine's own quarter: in clear, for its owner only
        ({"LIANJIE_REPORTS_URL": "https://intranet.example/lianjie"}, None, False),
        ({}, "http://127.0.0.1:4200/api", False),  # a server deployment
        ({"LIANJIE_CONFIDENTIAL_PASSWORD": "Jijian#2026"}, "http://127.0.0.1:4200/api", True),
    ],
)
def test_a_server_without_the_confidential_password_fails(
    environment: dict[str, str],
    api: str | None,
    passes: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 37: a server deployment writing the admonition list in clear was not a failure."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from core.settings import Settings
    from lianjie.doctor import _confidential

    for name in ("LIANJIE_REPORTS_URL", "LIANJIE_CONFIDENTIAL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with temporary_settings(updates={PREFECT_API_URL: api}):
        ok, _, detail = _confidential(Settings())
    assert passes == ok, detail
