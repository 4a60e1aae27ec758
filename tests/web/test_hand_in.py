"""Files handed in through the site (issue 42, item 3): a roster previewed by the cycle's dry
run and started only when confirmed; a completion file collected; and uploads that are too
big, disguised, unsigned or from the wrong role refused with nothing kept or run."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from core.domain import Quarter
from core.settings import Settings
from harness.pipeline import write_city
from lianjie.synthetic import COMPLETION_HEADER, write_csv
from lianjie.web.passwords import hashed
from lianjie.web.site import site
from models.accounts import add_account
from models.db import ready_engine, session_for
from models.tables import Cadre, Completion, Enrolment

PASSWORD = "correct horse battery"


@pytest.fixture
def db_url(isolated_settings: Path, prefect_harness: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """SQLite only here: each of these runs the command line in processes of its own, and
    twice over would cost the suite a minute; the commands themselves are tested on PostgreSQL
    in their own tests. The processes report to the suite's one Prefect server rather than
    each starting a temporary one (which has none of the deployments: they run here)."""
    monkeypatch.setenv("PREFECT_API_URL", prefect_harness)
    return os.environ["LIANJIE_DATABASE_URL"]


QUARTER = Quarter.containing(date.today()).label


def client_for(db_url: str, tmp_path: Path, **settings: object) -> TestClient:
    ready_engine(db_url)
    with session_for(db_url) as session:
        for name, role, units in (("org", "organisation", []), ("team1", "unit", ["U0001"])):
            add_account(
                session=session, name=name, role=role, units=units, password_hash=hashed(PASSWORD)
            )
    config = Settings(data_dir=tmp_path / "data", database_url=db_url, **settings)  # type: ignore[arg-type]
    client = TestClient(site(config, slowdown=lambda _: 0), base_url="https://testserver")
    return client


def signed_in(client: TestClient, name: str) -> str:
    """Sign in; the CSRF token of the signed-in forms."""
    form = client.get("/sign-in").text
    token = re.search(r'name="token" value="([^"]+)"', form)
    assert token is not None
    client.post("/sign-in", data={"name": name, "password": PASSWORD, "token": token[1]})
    page = client.get("/hand-in" if name == "org" else "/").text
    csrf = re.search(r'name="token" value="([^"]+)"', page)
    assert csrf is not None
    return csrf[1]


def quarter_started(client: TestClient, csrf: str, roster: Path) -> None:
    """The roster handed in, previewed and confirmed: the quarter started from the site."""
    with roster.open("rb") as handle:
        preview = client.post(
            "/hand-in",
            data={"kind": "roster", "quarter": QUARTER, "token": csrf},
            files={"file": ("roster.csv", handle, "text/csv")},
        )
    ticket = re.search(r'name="ticket" value="([^"]+)"', preview.text)
    assert ticket is not None
    client.post("/hand-in/confirm", data={"ticket": ticket[1], "token": csrf})


def cadres(db_url: str) -> int:
    with session_for(db_url) as session:
        return session.exec(select(func.count()).select_from(Cadre)).one()


def test_a_roster_is_previewed_then_started_on_confirm(db_url: str, tmp_path: Path) -> None:
    client = client_for(db_url, tmp_path)
    csrf = signed_in(client, "org")
    roster = write_city(tmp_path, units=2, per_unit=6)
    with roster.open("rb") as handle:
        preview = client.post(
            "/hand-in",
            data={"kind": "roster", "quarter": QUARTER, "token": csrf},
            files={"file": ("名册.csv", handle, "text/csv")},
        )
    assert 200 == preview.status_code, preview.text
    # in the site's language: the dry run, its counts, and the city's bad rows with their reasons
    assert "试运行，未作任何更改" in preview.text
    assert f'id="dry-run-roster-rejects-{QUARTER.lower()}"' in preview.text
    assert "DRY RUN" not in preview.text and "rejected" not in preview.text
    assert 0 == cadres(db_url)  # nothing stored by the preview
    ticket = re.search(r'name="ticket" value="([^"]+)"', preview.text)
    assert ticket is not None
    [kept] = (tmp_path / "data" / "uploads").iterdir()
    assert 0o600 == kept.stat().st_mode & 0o777 and "名册" not in kept.name
    assert 0o700 == kept.parent.stat().st_mode & 0o777
    started = client.post("/hand-in/confirm", data={"ticket": ticket[1], "token": csrf})
    assert 200 == started.status_code, started.text
    assert "试运行" not in started.text and f'id="cycle-{QUARTER.lower()}"' in started.text
    assert 0 < cadres(db_url)
    assert not kept.exists()  # its rows are stored; the ticket is good once
    again = client.post("/hand-in/confirm", data={"ticket": ticket[1], "token": csrf})
    assert 403 == again.status_code
    # a ticket made up or changed (another upload, another quarter) starts nothing
    forged = ticket[1][:-4] + ("AAAA" if not ticket[1].endswith("AAAA") else "BBBB")
    assert (
        403 == client.post("/hand-in/confirm", data={"ticket": forged, "token": csrf}).status_code
    )


def test_a_completion_file_is_collected(db_url: str, tmp_path: Path) -> None:
    client = client_for(db_url, tmp_path)
    csrf = signed_in(client, "org")
    quarter_started(client, csrf, write_city(tmp_path, units=2, per_unit=6))
    with session_for(db_url) as session:
        enrolled = session.exec(select(Enrolment.employee_id, Enrolment.session_code)).all()
    sheet = write_csv(
        tmp_path / "done.csv",
        COMPLETION_HEADER,
        [[who, code, "", "", "已参加", "95", ""] for who, code in enrolled[:5]]
        + [["E999999", "NOPE", "", "", "已参加", "", ""]],
    )
    with sheet.open("rb") as handle:
        collected = client.post(
            "/hand-in",
            data={"kind": "completions", "quarter": QUARTER, "token": csrf},
            files={"file": ("done.csv", handle, "text/csv")},
        )
    assert 200 == collected.status_code, collected.text
    assert "导入行数</td><td>5</td>" in collected.text  # in the site's language
    assert "未导入行数</td><td>1</td>" in collected.text
    with session_for(db_url) as session:
        assert 5 == session.exec(select(func.count()).select_from(Completion)).one()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("roster.xlsx", b"employee_id,name\n", "不是 Excel 工作簿"),
        ("roster.csv", b"MZ\x90\x00\x03\x00\x00\x00", "不是文本"),
        ("roster.exe", b"MZ\x90\x00", ".xlsx 工作簿或 .csv 文件"),
        ("roster.csv", b"a" * (1024 * 1024 + 4096), "超过 1 MB（LIANJIE_MAX_FILE_MB）"),
    ],
)
def test_a_disguised_or_oversized_upload_is_refused_and_not_kept(
    db_url: str, tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    client = client_for(db_url, tmp_path, max_file_mb=1)
    csrf = signed_in(client, "org")
    refused = client.post(
        "/hand-in",
        data={"kind": "roster", "quarter": QUARTER, "token": csrf},
        files={"file": (name, content, "application/octet-stream")},
    )
    assert 400 == refused.status_code
    assert problem in refused.text
    assert [] == list((tmp_path / "data" / "uploads").glob("*"))


def test_an_unsigned_form_or_another_role_hands_in_nothing(db_url: str, tmp_path: Path) -> None:
    client = client_for(db_url, tmp_path)
    signed_in(client, "org")
    form = {"kind": "roster", "quarter": QUARTER, "token": "forged"}
    files = {"file": ("r.csv", b"employee_id\n", "text/csv")}
    assert 403 == client.post("/hand-in", data=form, files=files).status_code
    other = client_for_same(client)
    csrf = signed_in(other, "team1")
    assert 403 == other.get("/hand-in").status_code
    form["token"] = csrf
    assert 403 == other.post("/hand-in", data=form, files=files).status_code
    assert not (tmp_path / "data" / "uploads").exists()


def client_for_same(client: TestClient) -> TestClient:
    return TestClient(client.app, base_url="https://testserver")


def test_the_status_page_shows_the_summarys_standings_to_the_organisation_only(
    db_url: str, tmp_path: Path
) -> None:
    """Each unit's rate on the page is the one the organisation summary prints, taken now."""
    from flows.reporting.accountability import accountability_reports
    from harness.pdfs import text_of

    client = client_for(db_url, tmp_path)
    csrf = signed_in(client, "org")
    assert (
        "has not been started" in client.get("/status").text
        or "尚未开始" in client.get("/status").text
    )
    quarter_started(client, csrf, write_city(tmp_path, units=3, per_unit=6))
    page = client.get("/status")
    assert 200 == page.status_code
    rows = re.findall(
        r"<tr><td>(\d+)</td><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>"
        r"<td>(\d+)</td><td>([^<]+)</td></tr>",
        page.text,
    )
    assert 3 == len(rows)
    summary = accountability_reports(quarter=QUARTER, out=str(tmp_path / "reports"))
    text = text_of(next(r.path for r in summary.reports if r.kind == "summary"))
    for _, name, _, _, _, _, rate in rows:
        assert re.search(rf"{re.escape(name)}.*{re.escape(rate)}", text), (name, rate)
    team = client_for_same(client)
    signed_in(team, "team1")
    assert 403 == team.get("/status").status_code


def test_a_request_over_its_bound_is_refused_before_its_form_is_read(
    db_url: str, tmp_path: Path
) -> None:
    """An upload past the file limit, or a sign-in form of megabytes, is a 413 from its length,
    before anyone is signed in and before a byte is kept."""
    client = client_for(db_url, tmp_path, max_file_mb=1)
    big = b"a" * (3 * 1024 * 1024)
    refused = client.post("/hand-in", files={"file": ("r.csv", big, "text/csv")})
    assert 413 == refused.status_code
    assert "nosniff" == refused.headers["x-content-type-options"]
    assert 413 == client.post("/sign-in", data={"name": "x" * 200_000}).status_code
    assert not (tmp_path / "data" / "uploads").exists()
