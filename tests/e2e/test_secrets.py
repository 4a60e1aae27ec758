"""No password of any URL ends up anywhere: a quarter run against a real Prefect server with
marker passwords (special characters percent-encoded, as the README says), then every byte
under the data folder, the output folder and the server's PREFECT_HOME is searched."""

from __future__ import annotations

import base64
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from core.domain import Quarter
from harness.cli import lianjie_each
from harness.postgres import POSTGRES
from harness.servers import prefect_server, sms_gateway, smtp_server
from lianjie.synthetic import COMPLETION_HEADER, HEADER, roster_rows, write_csv
from policy.calendar import calendar_for

# Each holds the characters a URL cannot carry as they are.
MARKERS = {
    "smtp": "Smtp#Marker@1%/",
    "sms": "Sms#Marker@2%/",
    "database": "Db#Marker@3%/",
    "hr": "Hr#Marker@4%/",
    "confidential": "Pdf#Marker@5%/",
}


def lianjie(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianjie.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def with_password(url: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    user = rest.split("@", 1)[0] if "@" in rest else "postgres"
    host = rest.split("@", 1)[1] if "@" in rest else rest
    return f"{scheme}://{user.split(':')[0]}:{quote(password, safe='')}@{host}"


def hr_database(folder: Path, today: datetime) -> str:
    path = folder / "hr.db"
    with sqlite3.connect(path) as connection:
        columns = ", ".join(f'"{h}" TEXT' for h in HEADER)
        connection.execute(f"CREATE TABLE cadres ({columns})")
        connection.executemany(
            f"INSERT INTO cadres VALUES ({', '.join('?' for _ in HEADER)})",
            roster_rows(3, 10, today.date()),
        )
    return f"sqlite:///{path}"


def searched_in(path: Path, forms: set[str]) -> set[str]:
    """A PDF's streams are compressed, and the confidential ones encrypted: in that noise any
    three given bytes turn up by chance now and then (CI once found "Db#" in one), so only
    the whole markers are looked for there. Text files get every form."""
    if path.suffix == ".pdf":
        return {form for form in forms if len(form) > 8}
    return forms


@pytest.mark.slow
def test_no_password_anywhere(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """cycle, dispatch, collect, report, export: the markers appear in no file and no output."""
    today = datetime.now(ZoneInfo("Asia/Shanghai"))
    quarter = Quarter.containing(today.date()).label
    data, out, home = tmp_path / "data", tmp_path / "out", tmp_path / "prefect"
    hr_url = hr_database(tmp_path, today)
    settings = {
        "LIANJIE_DATA_DIR": str(data),
        "LIANJIE_OUTPUT_DIR": str(out),
        "LIANJIE_DATABASE_URL": f"sqlite:///{data / 'lianjie.db'}",
        "LIANJIE_HR_DATABASE_URL": hr_url,
        "LIANJIE_CONFIDENTIAL_PASSWORD": MARKERS["confidential"],
    }
    if POSTGRES:  # passwords in database URLs too (the throwaway cluster trusts loopback)
        cluster = request.getfixturevalue("postgres")
        settings["LIANJIE_DATABASE_URL"] = with_password(cluster.database(), MARKERS["database"])
    outputs = []
    with (
        prefect_server(home) as server,
        smtp_server(login=("clerk", MARKERS["smtp"])) as (smtp_plain, inbox),
        sms_gateway() as (sms_plain, texts),
    ):
        smtp_url = smtp_plain.replace(
            f":{MARKERS['smtp']}@", f":{quote(MARKERS['smtp'], safe='')}@"
        )
        sms_url = sms_plain.replace(":s3cret@", f":{quote(MARKERS['sms'], safe='')}@")
        env = server | settings | {"LIANJIE_SMTP_URL": smtp_url, "LIANJIE_SMS_URL": sms_url}
        cycle = lianjie(env, "cycle", "--quarter", quarter, "--roster", "hr:table=cadres", "--json")
        assert 0 == cycle.returncode, cycle.stderr[-2000:]
        # On an official day off (a Saturday in Beijing) dispatch sends only what cannot wait:
        # sent on the next working day, today's invitations go whatever day CI runs.
        send_on = calendar_for(today.date(), today.date()).next_working_day(today.date())
        dispatch = lianjie(
            env, "dispatch", "--date", send_on.isoformat(), "--allow-future", "--json"
        )
        assert 0 == dispatch.returncode, dispatch.stderr[-2000:]
        assert inbox and texts, "e-mail and SMS went through with the encoded passwords"
        sheet = write_csv(
            tmp_path / "sheet.csv",
            COMPLETION_HEADER,
            [["E000001", "", "IO", today.date().isoformat(), "线上完成", "", "2"]],
        )
        collect = lianjie(env, "collect", "--quarter", quarter, str(sheet), "--json")
        report = lianjie(env, "report", "--quarter", quarter, "--json")
        assert 0 == report.returncode, report.stderr[-2000:]
        outputs += [cycle, dispatch, collect, report]
        exports = ("tracks", "messages", "rejects", "changes")
        asked = [
            [
                "export",
                "--quarter",
                quarter,
                what,
                "--confidential",
                "--out",
                str(out / f"{what}.csv"),
            ]
            for what in exports
        ]
        for exported in lianjie_each(*asked, env=env):
            assert 0 == exported.returncode, exported.stderr
            outputs.append(exported)
        bad = lianjie(
            env,
            "cycle",
            "--quarter",
            quarter,
            "--roster",
            f"postgresql://hr:{MARKERS['hr']}@127.0.0.1:1/hr#table=cadres",
        )
        assert 2 == bad.returncode and "LIANJIE_HR_DATABASE_URL" in bad.stderr
        outputs.append(bad)

    forms = {
        form
        for marker in MARKERS.values()
        for form in (marker, quote(marker, safe=""), marker.split("#")[0] + "#")
    }
    printed = "".join(o.stdout + o.stderr for o in outputs)
    assert [] == [f for f in forms if f in printed]
    found = []
    for folder in (data, out, home):
        for path in folder.rglob("*"):
            if path.is_file():
                content = path.read_bytes()
                found += [
                    f"{path}: {form}"
                    for form in searched_in(path, forms)
                    if form.encode() in content or base64.b64encode(form.encode()) in content
                ]
    assert [] == found
    assert any(p.suffix == ".pdf" for p in out.rglob("*")), "reports were rendered"
