"""`lianjie doctor` on the Prefect server it is pointed at: a door left open is said aloud."""

from __future__ import annotations

import os
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
    assert "schema at 0005" in done.stdout, done.stdout + done.stderr
