"""Fixtures: a fresh SQLite database per test, isolated settings, one Prefect harness."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.postgres import POSTGRES
from policy.config import Policy, load_policy


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No LIANJIE_* from the machine leaks into a test; data goes to the test's own folder."""
    for name in list(os.environ):
        if name.startswith("LIANJIE_"):
            monkeypatch.delenv(name)
    data = tmp_path / "data"
    monkeypatch.setenv("LIANJIE_DATA_DIR", str(data))
    monkeypatch.setenv("LIANJIE_DATABASE_URL", f"sqlite:///{data / 'lianjie.db'}")
    return data


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A throwaway PostgreSQL cluster, when LIANJIE_TEST_POSTGRES=1 (CI sets it)."""
    from harness.postgres import cluster

    with cluster() as running:
        yield running


@pytest.fixture(params=["sqlite", "postgresql"] if POSTGRES else ["sqlite"])
def db_url(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, isolated_settings: Path
) -> str:
    """A fresh database per test: a SQLite file, and with LIANJIE_TEST_POSTGRES=1 also a new
    database in a real PostgreSQL cluster."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").database()
        monkeypatch.setenv("LIANJIE_DATABASE_URL", url)
        return url
    return os.environ["LIANJIE_DATABASE_URL"]


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy().policy


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[str]:
    """One temporary Prefect server for the few whole-flow tests (it takes ~10 s to start).

    Yields its API URL, so that `lianjie` subprocesses use the same server instead of each
    starting one of its own.
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(
            # Heartbeats make every flow call wait ~1 s; production keeps them on.
            updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
        ),
    ):
        yield str(PREFECT_API_URL.value())
