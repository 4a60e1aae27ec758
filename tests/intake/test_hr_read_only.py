"""The HR database is read-only by construction, not by parsing (issue 41, item 1).

Each attack is replayed against a real PostgreSQL (LIANJIE_TEST_POSTGRES=1) holding a `payroll`
table the attack would change, and a SQLite file; afterwards the tables are as they were."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.exceptions import UnreadableFileError
from harness.postgres import POSTGRES
from intake.database import read_source
from intake.hr_database import HrTimeouts
from intake.read import Limits

needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason="needs LIANJIE_TEST_POSTGRES=1 (CI sets it)"
)

# The review's attack: sqlparse reads '\' as an escaped quote and sees one SELECT; PostgreSQL
# reads it as a whole string and, by the simple protocol, runs every statement.
ESCAPED_QUOTE_ATTACK = (
    "SELECT *, '\\' AS z FROM roster; COMMIT; DELETE FROM payroll; "
    "CREATE TABLE pwned AS SELECT 1 AS x; SELECT '\\' AS x"
)


class HrServer:
    """One database of the throwaway cluster: a roster, a payroll the attacks aim at, and
    logins of three kinds (superuser, a writer, a reader granted SELECT on the roster only)."""

    def __init__(self, cluster: object) -> None:
        import psycopg

        self.admin_url: str = cluster.database()  # type: ignore[attr-defined]
        self.port: int = cluster.port  # type: ignore[attr-defined]
        self.name = self.admin_url.rsplit("/", 1)[1]
        suffix = uuid.uuid4().hex[:8]
        self.reader, self.writer = f"hr_reader_{suffix}", f"hr_writer_{suffix}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            connection.execute('CREATE TABLE roster ("工号" text, "姓名" text)')
            connection.execute("INSERT INTO roster VALUES ('E1', '张伟'), ('E2', '李娜')")
            connection.execute("CREATE TABLE payroll (id int, amount int)")
            connection.execute("INSERT INTO payroll VALUES (1, 100), (2, 200), (3, 300)")
            connection.execute(f"CREATE ROLE {self.reader} LOGIN")
            connection.execute(f"GRANT SELECT ON roster TO {self.reader}")
            connection.execute(f"CREATE ROLE {self.writer} LOGIN")
            connection.execute(f"GRANT SELECT, DELETE ON roster, payroll TO {self.writer}")

    def dsn(self, user: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={user} dbname={self.name}"

    def url(self, user: str) -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{self.name}"

    def state(self) -> tuple[int, list[str]]:
        """The payroll's rows, and every table in the database."""
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            payroll = connection.execute("SELECT count(*) FROM payroll").fetchone()
            tables = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            ).fetchall()
        assert payroll is not None
        return int(payroll[0]), [t[0] for t in tables]

    def running(self) -> list[str]:
        """The statements running in this database, besides the one asking (a roster read
        runs as FETCH from lianjie's cursor)."""
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            rows = connection.execute(
                "SELECT query FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                "AND pid <> pg_backend_pid()",
                (self.name,),
            ).fetchall()
        return [r[0] for r in rows]


UNTOUCHED = (3, ["payroll", "roster"])


@pytest.fixture
def hr(postgres: object) -> Iterator[HrServer]:
    yield HrServer(postgres)


def read(hr: HrServer, user: str, query: str, **options: object) -> object:
    return read_source(f"hr:query={query}", hr_url=hr.url(user), own_url="sqlite://", **options)  # type: ignore[arg-type]


@needs_postgres
class TestPostgreSQL:
    def test_the_escaped_quote_attack_runs_nothing(self, hr: HrServer) -> None:
        """The review's exact query, from a login that may read the roster: PostgreSQL itself
        refuses a second statement, so payroll keeps its rows and no table is created."""
        with pytest.raises(UnreadableFileError, match="exactly one SELECT"):
            read(hr, hr.reader, ESCAPED_QUOTE_ATTACK)
        assert UNTOUCHED == hr.state()

    @pytest.mark.parametrize(
        "query",
        [
            ESCAPED_QUOTE_ATTACK,
            "SELECT '\\' AS z; COPY (SELECT 1) TO PROGRAM 'touch /tmp/lianjie-pwned'; SELECT '\\'",
            "SELECT pg_read_file('/etc/hostname') AS x",
        ],
    )
    def test_a_superuser_login_is_refused_before_any_query(self, hr: HrServer, query: str) -> None:
        """A superuser can run programs on the database host: refused whatever the query."""
        with pytest.raises(UnreadableFileError, match="superuser"):
            read(hr, "postgres", query)
        assert UNTOUCHED == hr.state()
        assert not Path("/tmp/lianjie-pwned").exists()

    def test_a_login_that_can_write_is_refused_naming_what_it_can_change(
        self, hr: HrServer
    ) -> None:
        with pytest.raises(UnreadableFileError, match=r"can change data.*payroll"):
            read(hr, hr.writer, "SELECT * FROM roster")
        assert UNTOUCHED == hr.state()

    def test_a_reader_reads_the_roster(self, hr: HrServer) -> None:
        table = read_source("hr:table=roster", hr_url=hr.url(hr.reader), own_url="sqlite://")
        assert [(1, ["工号", "姓名"]), (2, ["E1", "张伟"]), (3, ["E2", "李娜"])] == (
            table.sheets[0].rows  # type: ignore[attr-defined]
        )

    def test_a_writing_function_fails_in_the_read_only_session(self, hr: HrServer) -> None:
        import psycopg

        with psycopg.connect(hr.dsn("postgres"), autocommit=True) as connection:
            connection.execute(
                "CREATE FUNCTION sneaky() RETURNS int LANGUAGE sql AS "
                "'DELETE FROM payroll; SELECT 1'"
            )
            connection.execute(f"GRANT EXECUTE ON FUNCTION sneaky() TO {hr.reader}")
        with pytest.raises(UnreadableFileError, match="read-only transaction"):
            read(hr, hr.reader, "SELECT sneaky() AS x")
        assert UNTOUCHED == hr.state()

    def test_the_session_is_read_only_whatever_the_query_sets(self, hr: HrServer) -> None:
        """Turning read-only off from inside the SELECT is refused by the server."""
        with pytest.raises(UnreadableFileError, match="read-write"):
            read(hr, hr.reader, "SELECT set_config('transaction_read_only', 'off', false) AS x")

    def test_a_query_that_never_ends_is_cancelled_by_the_timeout(self, hr: HrServer) -> None:
        with pytest.raises(UnreadableFileError, match="LIANJIE_HR_STATEMENT_TIMEOUT_SECONDS"):
            read(
                hr,
                hr.reader,
                "SELECT pg_sleep(1000) AS lianjie_sleeps",
                timeouts=HrTimeouts(statement_seconds=1),
            )
        assert [] == hr.running()

    def test_rows_past_the_limit_are_refused_while_they_stream(self, hr: HrServer) -> None:
        with pytest.raises(UnreadableFileError, match="LIANJIE_MAX_ROWS"):
            read(
                hr,
                hr.reader,
                'SELECT g AS "工号" FROM generate_series(1, 100000000) AS g',
                limits=Limits(rows=5_000),
            )

    def test_bytes_past_the_limit_are_refused_while_they_stream(self, hr: HrServer) -> None:
        """300,000 names of 5,000 characters held 14.7 GiB; now the first megabytes stop it."""
        with pytest.raises(UnreadableFileError, match="LIANJIE_MAX_FILE_MB"):
            read(
                hr,
                hr.reader,
                'SELECT g AS "工号", repeat(\'名\', 5000) AS "姓名" '
                "FROM generate_series(1, 300000) AS g",
                limits=Limits(file_mb=1),
            )

    @pytest.mark.slow
    def test_a_killed_reader_leaves_no_query_running(self, hr: HrServer, tmp_path: Path) -> None:
        """lianjie killed with SIGKILL mid-query: the server notices the closed connection and
        ends the query (client_connection_check_interval), long before the statement timeout."""
        script = (
            "from intake.database import read_source\n"
            f"read_source('hr:query=SELECT pg_sleep(1000) AS lianjie_killed', "
            f"hr_url={hr.url(hr.reader)!r}, own_url='sqlite://')\n"
        )
        child = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[2])
        try:
            deadline = time.monotonic() + 60
            while not hr.running():
                assert child.poll() is None and time.monotonic() < deadline, "never started"
                time.sleep(0.2)
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
        deadline = time.monotonic() + 60  # a deadline for an event, not a speed bound
        while hr.running() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert [] == hr.running()


class TestSQLite:
    @pytest.fixture
    def hr_file(self, tmp_path: Path) -> str:
        import sqlite3

        path = tmp_path / "hr.db"
        with sqlite3.connect(path) as connection:
            connection.execute('CREATE TABLE roster ("工号" TEXT, "姓名" TEXT)')
            connection.executemany(
                "INSERT INTO roster VALUES (?, ?)", [(f"E{i}", "张伟") for i in range(30)]
            )
        return f"sqlite:///{path}"

    def test_a_query_that_never_ends_is_interrupted_by_the_timeout(self, hr_file: str) -> None:
        endless = (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
            "SELECT count(*) AS n FROM c"
        )
        with pytest.raises(UnreadableFileError, match="LIANJIE_HR_STATEMENT_TIMEOUT_SECONDS"):
            read_source(
                f"hr:query={endless}",
                hr_url=hr_file,
                own_url="sqlite://",
                timeouts=HrTimeouts(statement_seconds=1),
            )

    def test_rows_past_the_limit_are_refused(self, hr_file: str) -> None:
        with pytest.raises(UnreadableFileError, match=r"more than 20 rows.*LIANJIE_MAX_ROWS"):
            read_source("hr:table=roster", hr_url=hr_file, limits=Limits(rows=20))

    def test_columns_past_the_limit_are_refused(self, hr_file: str) -> None:
        columns = ", ".join(f"1 AS c{i}" for i in range(12))
        with pytest.raises(UnreadableFileError, match=r"12 columns.*LIANJIE_MAX_COLUMNS"):
            read_source(f"hr:query=SELECT {columns}", hr_url=hr_file, limits=Limits(columns=10))

    def test_bytes_past_the_limit_are_refused(self, hr_file: str) -> None:
        query = (
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 300000) "
            "SELECT n AS \"工号\", printf('%.5000c', '名') AS \"姓名\" FROM g"
        )
        with pytest.raises(UnreadableFileError, match="LIANJIE_MAX_FILE_MB"):
            read_source(f"hr:query={query}", hr_url=hr_file, limits=Limits(file_mb=1))


@pytest.mark.parametrize(
    "url", ["mysql+pymysql://hr@127.0.0.1/hr", "mssql+pyodbc://hr@dsn", "oracle://hr@db/hr"]
)
def test_only_databases_that_can_be_locked_read_only_are_read(url: str) -> None:
    """lianjie can promise read-only for PostgreSQL and SQLite; others are refused, not tried."""
    with pytest.raises(UnreadableFileError, match="PostgreSQL or SQLite"):
        read_source("hr:table=roster", hr_url=url, own_url="sqlite://")


@needs_postgres
@pytest.mark.slow
@pytest.mark.parametrize("login", ["superuser", "reader"])
def test_the_attack_through_the_command_is_exit_2_and_changes_nothing(
    hr: HrServer, login: str, prefect_harness: str
) -> None:
    """`lianjie cycle --roster 'hr:query=<the attack>'` as the review ran it (it ended exit 0
    with payroll emptied): now one line on stderr, exit 2, and the HR database as it was."""
    user = "postgres" if login == "superuser" else hr.reader
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lianjie.cli",
            "cycle",
            "--quarter",
            "2026Q4",
            "--roster",
            f"hr:query={ESCAPED_QUOTE_ATTACK}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=os.environ
        | {"PREFECT_API_URL": prefect_harness, "LIANJIE_HR_DATABASE_URL": hr.url(user)},
    )
    assert 2 == result.returncode, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    refusal = "superuser" if login == "superuser" else "exactly one SELECT"
    assert [refusal] == [refusal for line in result.stderr.splitlines() if refusal in line]
    assert UNTOUCHED == hr.state()
