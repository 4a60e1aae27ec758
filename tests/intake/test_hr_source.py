"""HR database sources: one SELECT, read-only, never lianjie's own, no password in a parameter."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core.domain import Quarter
from core.exceptions import UnreadableFileError
from harness.factories import ROSTER_HEADER, roster_row
from harness.pipeline import run_settings
from intake.database import read_source
from intake.roster import parse_roster

HOSTILE = [
    "DROP TABLE cadres",
    "DELETE FROM cadres",
    "SELECT 1; DROP TABLE cadres",
    "SELECT * FROM cadres; SELECT 1",
    "DELETE FROM cadres; COMMIT; SELECT * FROM cadres",
    "VACUUM INTO '/tmp/copy.db'",
    "ATTACH DATABASE '/tmp/new.db' AS x",
    "PRAGMA journal_mode=DELETE",
    "WITH gone AS (DELETE FROM cadres RETURNING *) SELECT * FROM gone",
    "SELECT * INTO copy FROM cadres",
]


def hr_sqlite(folder: Path) -> Path:
    path = folder / "hr.db"
    with sqlite3.connect(path) as connection:
        columns = ", ".join(f'"{h}" TEXT' for h in ROSTER_HEADER)
        connection.execute(f"CREATE TABLE cadres ({columns})")
        marks = ", ".join("?" for _ in ROSTER_HEADER)
        connection.executemany(
            f"INSERT INTO cadres VALUES ({marks})", [roster_row(1), roster_row(2)]
        )
    return path


def cadres_in(url: str) -> int:
    with create_engine(url).connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM cadres")).scalar_one())


class TestOneSelectReadOnly:
    @pytest.mark.parametrize("query", HOSTILE)
    def test_anything_but_one_select_is_refused_before_it_runs(
        self, tmp_path: Path, query: str
    ) -> None:
        """Writes, several statements, ATTACH, VACUUM, PRAGMA: refused; the HR table intact."""
        hr = hr_sqlite(tmp_path)
        url = f"sqlite:///{hr}"
        with pytest.raises(UnreadableFileError):
            read_source(f"hr:query={query}", hr_url=url, own_url="sqlite:///elsewhere.db")
        assert 2 == cadres_in(url)
        assert {"hr.db"} == {p.name for p in tmp_path.iterdir()}
        assert not Path("/tmp/copy.db").exists() and not Path("/tmp/new.db").exists()

    def test_a_select_that_writes_through_a_function_is_stopped_by_the_read_only_file(
        self, tmp_path: Path
    ) -> None:
        """Even a SELECT cannot write: SQLite opens the file read-only with query_only on."""
        hr = hr_sqlite(tmp_path)
        table = read_source(
            "hr:query=SELECT * FROM cadres", hr_url=f"sqlite:///{hr}", own_url="sqlite://"
        )
        assert 2 == len(parse_roster(table).accepted)
        assert "hr:query=SELECT * FROM cadres" == table.source

    def test_lianjies_own_database_is_refused(self, tmp_path: Path) -> None:
        """A roster URL naming the database lianjie keeps its outbox in is refused."""
        own = f"sqlite:///{hr_sqlite(tmp_path)}"
        with pytest.raises(UnreadableFileError, match="lianjie's own database"):
            read_source("hr:table=cadres", hr_url=own, own_url=own)


class TestPasswords:
    @pytest.mark.parametrize(
        "source",
        [
            "postgresql+psycopg://hr:topsecret@127.0.0.1:1/hr#table=cadres",
            "sqlite:////srv/hr/topsecret.db#table=cadres",  # no password, still a URL
        ],
    )
    def test_a_url_as_a_parameter_points_at_the_setting(self, source: str) -> None:
        """The run would store it: refused, and the message names LIANJIE_HR_DATABASE_URL."""
        with pytest.raises(UnreadableFileError, match="LIANJIE_HR_DATABASE_URL") as raised:
            read_source(source)
        assert "topsecret" not in str(raised.value)

    @pytest.mark.parametrize("password", ["pa#ss", "p@ss", "50%off", "a/b"])
    def test_special_characters_unencoded_fail_without_echo(self, password: str) -> None:
        """A password with # @ % / written as is: exit-2 message, the password not in it."""
        source = "hr:table=cadres"
        url = f"postgresql+psycopg://hr:{password}@127.0.0.1:1/hr"
        try:
            read_source(source, hr_url=url, own_url="sqlite://")
        except UnreadableFileError as error:
            assert password not in str(error)
        else:
            pytest.fail("an unreachable database was read")

    @pytest.mark.parametrize("encoded", ["pa%23ss", "p%40ss", "50%25off", "a%2Fb"])
    def test_percent_encoded_passwords_reach_the_server(self, encoded: str) -> None:
        """Encoded as documented, the URL parses: the only problem left is the closed port."""
        url = f"postgresql+psycopg://hr:{encoded}@127.0.0.1:1/hr"
        with pytest.raises(UnreadableFileError, match="Connection refused") as raised:
            read_source("hr:table=cadres", hr_url=url, own_url="sqlite://")
        assert encoded not in str(raised.value)

    def test_hr_source_without_the_setting_says_what_to_set(self) -> None:
        """hr:table=… with no LIANJIE_HR_DATABASE_URL: one message naming the setting."""
        with pytest.raises(UnreadableFileError, match="set LIANJIE_HR_DATABASE_URL"):
            read_source("hr:table=cadres")


def test_drop_table_through_lianjies_own_database_changes_nothing(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--roster hr:query=DROP TABLE message` with the HR setting naming lianjie's own
    database: refused, the outbox still there."""
    from sqlmodel import select

    from flows.roster import import_roster
    from harness.pipeline import AS_OF, run_cycle, write_city
    from models.db import session_for
    from models.tables import Message

    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    monkeypatch.setenv("LIANJIE_HR_DATABASE_URL", db_url)
    for query in ("DROP TABLE message", "SELECT * FROM cadre"):
        with pytest.raises(UnreadableFileError):
            import_roster.fn(
                run=run_settings(db_url),
                quarter=Quarter(2026, 4),
                roster=f"hr:query={query}",
                policy_file=None,
                as_of=AS_OF,
            )
    with session_for(db_url) as session:
        assert session.exec(select(Message)).first() is not None
