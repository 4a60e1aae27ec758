"""The command line as users run it, in real processes: exit codes, messages, JSON, a quarter."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.domain import Quarter
from harness.cli import lianjie, lianjie_each
from harness.prefect_api import artifact_as_shown
from harness.reading import document_faults
from lianjie.exports import COLUMNS, Export

MISTAKES = [
    ["cycle", "--quarter", "2026Q5", "--roster", "x.csv"],
    ["cycle", "--quarter", "2026Q4", "--roster", "/no/such/roster.csv"],
    ["collect", "--quarter", "26Q4", "sheet.csv"],
    ["report", "--quarter", "2026Q4", "--lang", "fr"],
    ["report", "--quarter", "2026Q5"],
    ["export", "--quarter", "2026Q4", "everything"],
    ["dispatch", "--date", "2026-13-01"],
    ["worker", "--limit", "0"],
]


class TestBadInput:
    def test_exit_2_with_one_message_and_no_traceback(self) -> None:
        """A mistake in the arguments is exit code 2 and a clear message, never a traceback."""
        for args, result in zip(MISTAKES, lianjie_each(*MISTAKES), strict=True):
            assert 2 == result.returncode, args
            assert "Traceback" not in result.stderr + result.stdout, args
            assert result.stderr.strip(), args

    @pytest.mark.parametrize("args", [MISTAKES[1], MISTAKES[6]])
    def test_commands_in_one_process_answer_as_each_alone(self, args: list[str]) -> None:
        """The harness that runs several commands in one process changes no answer: only the
        program's name in a usage line differs (`python -m lianjie.cli` alone)."""
        alone, [together] = lianjie(*args), lianjie_each(args)
        assert (alone.returncode, alone.stdout) == (together.returncode, together.stdout)
        assert alone.stderr.replace("python -m lianjie.cli", "lianjie") == together.stderr

    def test_a_worker_without_a_server_says_where_to_point_it(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        result = lianjie("worker", env=env)
        assert 2 == result.returncode
        assert "set PREFECT_API_URL" in result.stderr and "Traceback" not in result.stderr


class TestDatabaseDown:
    def test_unreachable_database_is_one_clear_line(self, tmp_path: Path) -> None:
        """A database that does not answer: exit 1, one message, no password, no traceback."""
        env_url = "postgresql+psycopg://clerk:hunter2@127.0.0.1:1/lianjie"
        result = subprocess.run(
            [sys.executable, "-m", "lianjie.cli", "export", "--quarter", "2026Q4", "tracks"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=os.environ | {"LIANJIE_DATABASE_URL": env_url},
        )
        assert 1 == result.returncode
        assert "cannot be used" in result.stderr and "127.0.0.1" in result.stderr
        assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def admonition_names(database: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(database) as connection:
        return {
            name
            for (name,) in connection.execute(
                "SELECT DISTINCT c.name FROM cadre c JOIN assignment a "
                "ON a.employee_id = c.employee_id AND a.quarter = c.quarter "
                "WHERE a.track = 'admonition'"
            )
        }


async def artifact_text(api: str) -> str:
    """Everything the Prefect UI's Artifacts page would show, as one string."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        async with get_client() as client:
            artifacts = await client.read_artifacts()
    return "\n".join(artifact_as_shown(a.key, a.description, a.data) for a in artifacts)


@pytest.mark.slow
class TestWholeQuarter:
    def test_demo_runs_a_quarter_end_to_end_and_again_changes_nothing(
        self, tmp_path: Path, prefect_harness: str
    ) -> None:
        """The demo imports, classifies, schedules, sends, collects and renders; twice is once."""
        out = tmp_path / "demo"
        first = lianjie(
            "demo", "--out", str(out), "--quarter", "2026Q4", "--json", api=prefect_harness
        )
        assert 0 == first.returncode, first.stderr[-3000:]
        summary = json.loads(first.stdout)
        roster = summary["cycle"]["roster"]
        assert (1203, 1200, 3) == (roster["read"], roster["accepted"], roster["rejected"])
        assert 42 == summary["reports"]["rendered"] == len(summary["reports"]["pdfs"])
        assert (1203, 3) == (summary["cycle"]["read"], summary["cycle"]["rejected"])
        assert {"row", "column", "reason"} <= set(summary["cycle"]["rejects"][0])
        assert all("rejects" in c for c in summary["collected"])
        sent = sum(d["sent"] for d in summary["dispatches"])
        assert sent > 1000
        files = list((out / "outbox").rglob("*.eml")) + list((out / "outbox").rglob("*.json"))
        assert sent == len(files)
        pdfs = list((out / "reports" / "2026Q4").rglob("*.pdf"))
        assert 42 == len([p for p in pdfs if not {"sheets", "talks"} & set(p.parts)])
        assert [p for p in pdfs if "sheets" in p.parts], "the first session day's sign-in sheets"
        # The demo city's documents read as an office writes them: the summary, the
        # confidential list and the first units' reports, against the style rules.
        read = sorted(p for p in pdfs if "sheets" not in p.parts and "-U" in p.name)[:3]
        read += [
            p
            for p in pdfs
            if "summary" in p.name or ("confidential" in p.parts and "talks" not in p.parts)
        ]
        assert len(read) == 5, read
        assert {} == {p.name: found for p in read if (found := document_faults(p, "zh"))}

        again = lianjie(
            "demo", "--out", str(out), "--quarter", "2026Q4", "--json", api=prefect_harness
        )
        assert 0 == again.returncode, again.stderr[-3000:]
        repeat = json.loads(again.stdout)
        assert repeat["cycle"]["roster"]["already_imported"]
        assert 0 == repeat["cycle"]["messages"]["total_new"]
        assert 0 == sum(d["sent"] for d in repeat["dispatches"])
        assert all(c["files"][0]["already_imported"] for c in repeat["collected"])
        assert sum(c["makeups"]["booked"] for c in summary["collected"]) > 0

        admonished = admonition_names(out / "lianjie.db")
        shown = asyncio.run(artifact_text(prefect_harness))
        assert "cycle-2026q4" in shown and "reports-2026q4" in shown
        assert admonished and not [name for name in admonished if name in shown]

        os.environ["LIANJIE_DATABASE_URL"] = f"sqlite:///{out / 'lianjie.db'}"
        # the family contacts only ever with --confidential, whose file opens with its marking
        sealed = {Export.families}
        asked = [
            ["export", "--quarter", "2026Q4", what.value, *(["--confidential"] * (what in sealed))]
            for what in Export
        ]
        *exports, as_json = lianjie_each(*asked, [*asked[0][:3], "rejects", "--format", "json"])
        for what, exported in zip(Export, exports, strict=True):
            assert 0 == exported.returncode, exported.stderr
            lines = csv.reader(io.StringIO(exported.stdout))
            if what in sealed:
                next(lines)
            assert COLUMNS[what] == next(lines)
        rejects = json.loads(as_json.stdout)
        assert {1202, 1203, 1204} <= {r["row"] for r in rejects}

    def test_unreadable_roster_is_exit_2_and_changes_nothing(
        self, tmp_path: Path, prefect_harness: str
    ) -> None:
        """An empty roster fails with one message naming the file, and no traceback."""
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        result = lianjie(
            "cycle", "--quarter", "2026Q4", "--roster", str(empty), "--json", api=prefect_harness
        )
        assert 2 == result.returncode
        assert "empty.csv: the file is empty" in result.stderr
        assert "Traceback" not in result.stderr
        assert "" == result.stdout
        # only the command's own line says what went wrong: no Prefect ERROR or state lines
        assert "ERROR" not in result.stderr and "Finished in state" not in result.stderr
        assert [f"lianjie: {empty}: the file is empty"] == [
            line for line in result.stderr.splitlines() if "empty.csv" in line
        ]
        tracks = lianjie("export", "--quarter", "2026Q4", "tracks")
        assert 2 == tracks.returncode
        assert "2026Q4 has not been started" in tracks.stderr


def cycle_cli(roster: str, *options: str, api: str) -> subprocess.CompletedProcess[str]:
    """`lianjie cycle` for 2026Q4 with a roster and options, against a Prefect server."""
    return lianjie("cycle", "--quarter", "2026Q4", "--roster", roster, *options, api=api)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes: the database and its write-ahead log included,
    not SQLite's shared-memory index (-shm), which every reader touches and which holds no row."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith("-shm")
    }


@pytest.mark.slow
class TestRosterRuns:
    def test_dry_run_header_only_dates_and_the_changes_export(
        self, tmp_path: Path, prefect_harness: str, isolated_settings: Path
    ) -> None:
        """A preview writes nothing; a header-only roster, a far dispatch date and an as-of
        after the quarter are exit 2; the changes export names who left."""
        from datetime import date, timedelta

        from harness.pipeline import write_city
        from lianjie.synthetic import HEADER, write_csv

        data = isolated_settings
        city = write_city(tmp_path)
        fresh = cycle_cli(str(city), "--as-of", "2026-10-01", "--dry-run", api=prefect_harness)
        assert 0 == fresh.returncode, fresh.stderr[-2000:]
        assert "DRY RUN" in fresh.stdout
        assert not data.exists() or not tree(data), "a dry run on a new folder made files"

        first = cycle_cli(str(city), "--as-of", "2026-10-01", api=prefect_harness)
        assert 0 == first.returncode, first.stderr[-2000:]
        before = tree(data)
        lines = city.read_text(encoding="utf-8-sig").splitlines()
        unit = tmp_path / "u0001.csv"
        unit.write_text(
            "\n".join(line for line in lines if ",U0001," in line or line.startswith("工号")) + "\n"
        )
        preview = cycle_cli(
            str(unit), "--as-of", "2026-10-01", "--dry-run", "--json", api=prefect_harness
        )
        assert 0 == preview.returncode, preview.stderr[-2000:]
        shown = json.loads(preview.stdout)
        assert shown["dry_run"] and 36 == len(shown["roster"]["changes"]["left"])
        refusal = (
            "a real run would first ask whether they really left (on the command line, "
            "--accept-leavers): this roster"
        )
        assert any(w.startswith(f"{refusal} would make 36 of 48") for w in shown["warnings"])
        assert before == tree(data), "a dry run changed the data folder"

        header_only = write_csv(tmp_path / "header-only.csv", HEADER, [])
        far = (date.today() + timedelta(days=40)).isoformat()
        refused, partial, late, future = lianjie_each(
            ["cycle", "--quarter", "2026Q4", "--roster", str(header_only)],
            ["cycle", "--quarter", "2026Q4", "--roster", str(unit)],
            ["cycle", "--quarter", "2026Q4", "--roster", str(city), "--as-of", "2027-01-05"],
            ["dispatch", "--date", far],
            api=prefect_harness,
        )
        assert 2 == refused.returncode
        assert "no rows: nothing was changed" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert 2 == partial.returncode and "--accept-leavers" in partial.stderr
        assert 2 == late.returncode and "after 2026Q4 ended" in late.stderr
        assert 2 == future.returncode and "--allow-future" in future.stderr
        assert before == tree(data), "a refused run changed the data folder"

        confirmed = cycle_cli(str(unit), "--accept-leavers", api=prefect_harness)
        assert 0 == confirmed.returncode, confirmed.stderr[-2000:]
        assert "36 left" in confirmed.stdout
        changes = lianjie("export", "--quarter", "2026Q4", "changes", "--format", "json")
        rows = json.loads(changes.stdout)
        assert COLUMNS[Export.changes] == list(rows[0])
        assert 36 == sum(r["change"] == "left" for r in rows)


@pytest.mark.slow
class TestDispatchDays:
    def test_national_day_sends_nothing_and_says_why_then_the_working_day_sends(
        self, tmp_path: Path, prefect_harness: str
    ) -> None:
        """A cycle on 10-01; dispatch on Saturday 10-03 (a day off) completes, sends nothing
        and says why; the dry run on 10-08 previews; 10-08 sends the invitations."""
        from harness.pipeline import write_city

        city = write_city(tmp_path)
        cycle = cycle_cli(str(city), "--as-of", "2026-10-01", api=prefect_harness)
        assert 0 == cycle.returncode, cycle.stderr[-2000:]
        holiday = lianjie("dispatch", "--date", "2026-10-03", "--json", api=prefect_harness)
        assert 0 == holiday.returncode, holiday.stderr[-2000:]
        assert 0 == json.loads(holiday.stdout)["sent"]
        assert "2026-10-03 is an official day off" in holiday.stderr
        preview = lianjie(
            "dispatch", "--date", "2026-10-08", "--dry-run", "--show", "2", api=prefect_harness
        )
        assert 0 == preview.returncode, preview.stderr[-2000:]
        assert "invitations by e-mail" in preview.stdout and "2026年10月13日" in preview.stdout
        working = lianjie("dispatch", "--date", "2026-10-08", "--json", api=prefect_harness)
        assert json.loads(working.stdout)["sent"] > 0


@pytest.mark.slow
class TestReportsOverTime:
    def test_as_of_year_record_and_access_reconcile_with_the_exports(
        self, tmp_path: Path, prefect_harness: str, db_url: str
    ) -> None:
        """A quarter reported as it stood on 10-20 (some sessions held, some ahead): the
        summary's totals per standing are the export's on the same day; the year's report and
        a cadre's record render; records produced are in the access export."""
        from collections import Counter

        from harness.pdfs import text_of
        from harness.pipeline import run_cycle, write_city
        from models.db import session_for
        from models.facts import load_quarter

        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        out = tmp_path / "reports"
        result = lianjie(
            "report", "--quarter", "2026Q4", "--as-of", "2026-10-20", "--out", str(out),
            "--json", api=prefect_harness,
        )  # fmt: skip
        assert 0 == result.returncode, result.stderr[-2000:]
        summary = next(
            r["path"] for r in json.loads(result.stdout)["reports"] if r["kind"] == "summary"
        )
        text = text_of(Path(summary))
        assert "统计截至 2026年10月20日 23:59 北京时间" in text
        [totals] = [line.split() for line in text.splitlines() if line.startswith("合计 ")][:1]
        asked = ["--quarter", "2026Q4", "outstanding", "--as-of", "2026-10-20"]
        # The summary counts what its readers may see: the export without --confidential.
        outstanding, ahead = lianjie_each(
            ["export", *asked, "--format", "json"],
            ["report", "--quarter", "2026Q4", "--as-of", "2099-01-01"],
        )
        exported = json.loads(outstanding.stdout)
        counts = Counter(r["standing"] for r in exported)
        assert {"scheduled", "overdue"} <= set(counts), "the moment straddles the sessions"
        standings = ["scheduled", "overdue", "failed", "excused"]
        # 23:59 on a session's day: its places are counted 待签到表 in the report (a column of
        # their own), and stay `scheduled` in the export until the sheet is back
        columns = ["complete", *(["held"] * ("待签到表" in text)), *standings]
        shown = dict(zip(columns, map(int, totals[3:]), strict=False))
        shown["scheduled"] += shown.pop("held", 0)
        assert [counts[s] for s in standings] == [shown[s] for s in standings]

        assert 2 == ahead.returncode and "has not come yet" in ahead.stderr
        assert "Traceback" not in ahead.stderr

        year = lianjie("report", "--year", "2026", "--out", str(out), "--json", api=prefect_harness)
        assert 0 == year.returncode, year.stderr[-2000:]
        annual = json.loads(year.stdout)
        assert ["2026Q4"] == annual["quarters"]
        assert "2026 年度党风廉政教育报告" in text_of(Path(annual["reports"][0]["path"]))

        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        admonished = next(w for w, t in data.tracks.items() if "admonition" in t)
        plain, secret, unknown, access, secret_access = lianjie_each(
            ["record", admonished, "--out", str(out)],
            ["record", admonished, "--out", str(out), "--confidential"],
            ["record", "E999999"],
            ["export", "access", "--format", "json"],
            ["export", "access", "--format", "json", "--confidential"],
        )
        assert 0 == plain.returncode, plain.stderr[-2000:]
        path = Path(plain.stdout.strip().rsplit(": ", 1)[1])
        shown = text_of(path)
        assert "廉政教育档案" in shown and admonished in shown
        assert "警示教育" not in shown
        assert 0 == secret.returncode, secret.stderr[-2000:]
        assert "警示教育" in text_of(Path(secret.stdout.strip().rsplit(": ", 1)[1]))
        assert 2 == unknown.returncode and "no cadre E999999" in unknown.stderr

        # whose confidential record was made is itself confidential
        log = json.loads(access.stdout)
        assert [(admonished, False)] == [(a["employee_id"], a["confidential"]) for a in log]
        log = json.loads(secret_access.stdout)
        assert [(admonished, False), (admonished, True)] == [
            (a["employee_id"], a["confidential"]) for a in log
        ]
        assert all(a["os_user"] and a["produced_at"] for a in log)


# Run as `python -c`: the command's own process, with the step that starts Prefect's work
# replaced by one that prints the setting Prefect will use and stops.
SETTING_AS_PREFECT_SEES_IT = """
import sys
from lianjie import orphans

def report():
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as timeout
    print("startup timeout", timeout.value())
    raise SystemExit(0)

orphans.temporary_server_dies_with_us = report
from lianjie.cli import app
sys.argv = ["lianjie", *sys.argv[1:]]
app()
"""


@pytest.mark.parametrize("command", [["dispatch"], ["report", "-q", "2026Q4"]])
def test_the_temporary_server_gets_the_time_lianjie_promises(
    command: list[str], tmp_path: Path
) -> None:
    """Prefect reads its settings once, when first imported: a default set after that (as
    `dispatch` imports its flow before running it) never takes, and a loaded machine failed
    every command after Prefect's own 20 s."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"LIANJIE_DATA_DIR": str(tmp_path), "PREFECT_HOME": str(tmp_path / "prefect")}
    done = subprocess.run(
        [sys.executable, "-c", SETTING_AS_PREFECT_SEES_IT, *command],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    assert "startup timeout 120" in done.stdout, done.stdout + done.stderr[-2000:]


def test_counts_are_said_in_words_that_agree() -> None:
    """Issue 38: `1 people`, `1 rows read`."""
    from lianjie.cli.summaries import counted

    assert ["1 row", "2 rows", "0 rows"] == [counted(n, "row") for n in (1, 2, 0)]
    assert ["1 person", "3 people"] == [counted(n, "person", "people") for n in (1, 3)]


def test_a_dispatch_says_its_channels_in_words() -> None:
    """Issue 41: the summary printed Python dicts (`email: {'sent': 0, …}`)."""
    from types import SimpleNamespace

    from lianjie.cli.summaries import dispatch_lines

    summary = SimpleNamespace(
        dry_run=False,
        date="2026-10-08",
        sent=3,
        failed=1,
        skipped=0,
        expired=0,
        by_channel={
            "email": {"sent": 2, "failed": 1, "skipped": 0},
            "sms": {"sent": 1, "failed": 0, "skipped": 0},
        },
        receipts={},
    )
    lines = dispatch_lines(summary)
    assert "  e-mail: 2 sent, 1 failed, 0 skipped" in lines
    assert "  text message: 1 sent, 0 failed, 0 skipped" in lines
    assert not any("{" in line for line in lines)
    # Issue 45: what the providers took, their receipts, and what waits for a daily limit
    summary.by_channel["sms"] = {
        **{"sent": 0, "failed": 0, "skipped": 0},
        **{"accepted": 4, "delivered": 2, "waiting": 1},
    }
    summary.receipts = {"delivered": 5, "not_delivered": 1, "awaiting": 3}
    lines = dispatch_lines(summary)
    assert (
        "  text message: 6 sent (2 delivered, 4 awaiting a receipt), 0 failed, 0 skipped, "
        "1 waiting for a provider's daily limit"
    ) in lines
    assert (
        "  receipts read: 5 delivered, 1 not delivered (sent on by the next route), 3 still awaited"
    ) in lines
