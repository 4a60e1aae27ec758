"""The reports site in a real browser (issue 42's proof): the organisation hands in a roster
(previewed, then confirmed: the quarter starts) and a returned sign-in workbook (collected); a
unit, the organisation and the discipline body each see exactly their documents; the unit's
request for another unit's report and for the confidential list is refused and logged."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from core.documents import document_id
from core.domain import Quarter
from harness.pipeline import write_city
from harness.servers import free_port, prefect_server

CHROMIUM = "/usr/bin/chromium"  # Debian's, from scripts/system-packages.sh
QUARTER = Quarter.containing(date.today()).label
ACCOUNTS = {  # name: (role, password)
    "zuzhibu": ("organisation", "org password 2026"),
    "team1": ("unit:U0001", "unit password 2026"),
    "jiwei": ("discipline", "jiwei password 2026"),
}


def lianjie(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "lianjie.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    assert 0 == done.returncode, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def served(tmp_path: Path, isolated_settings: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`lianjie web` on a free loopback port, with its three accounts, and a Prefect server
    the commands it runs report to."""
    stack = ExitStack()
    env = stack.enter_context(prefect_server(tmp_path / "prefect"))
    env |= {"LIANJIE_OUTPUT_DIR": str(tmp_path / "reports")}
    for name, (role, password) in ACCOUNTS.items():
        lianjie(env, "users", "add", name, "--role", role, stdin=password + "\n")
    port = free_port()
    site = subprocess.Popen(
        [sys.executable, "-m", "lianjie.cli", "web", "--port", str(port)],
        stdout=(tmp_path / "web.log").open("w"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/sign-in").close()
                break
            except OSError:
                time.sleep(0.2)
        yield url, env
    finally:
        site.terminate()
        site.wait(timeout=30)
        stack.close()


def signed_in(browser: Any, url: str, name: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(f"{url}/sign-in")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", ACCOUNTS[name][1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    return page


def listed(page: Any) -> set[str]:
    return set(re.findall(r'href="/documents/([0-9a-f]{20})"', page.content()))


def ids(*reports: tuple[str, str]) -> set[str]:
    return {document_id(QUARTER, kind, unit, "zh") for kind, unit in reports}


@pytest.mark.slow
def test_the_site_in_a_browser(
    served: tuple[str, dict[str, str]], tmp_path: Path, isolated_settings: Path
) -> None:
    from playwright.sync_api import sync_playwright

    url, env = served
    database = isolated_settings / "lianjie.db"
    roster = write_city(tmp_path, units=3, per_unit=8)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        org = signed_in(browser, url, "zuzhibu")
        # the roster: previewed, nothing stored, then confirmed
        org.click("text=递交文件")
        org.fill("input[name=quarter]", QUARTER)
        org.set_input_files("input[name=file]", str(roster))
        org.click("text=上传")
        org.wait_for_selector("text=名册预览", timeout=120_000)
        assert "试运行，未作任何更改" in org.content()
        # the dry run's own page in the Prefect UI
        link = org.get_attribute("text=在 Prefect 中查看此次运行", "href")
        assert link is not None and "/runs/flow-run/" in link
        run_id = link.rsplit("/", 1)[1]
        with urllib.request.urlopen(f"{env['PREFECT_API_URL']}/flow_runs/{run_id}") as answer:
            assert json.load(answer)["name"] == f"cycle-{QUARTER}-dry-run"
        with sqlite3.connect(database) as connection:
            assert 0 == connection.execute("SELECT count(*) FROM cadre").fetchone()[0]
        org.click("text=确认并开始本季度")
        org.wait_for_selector("h1:has-text('已完成')", timeout=120_000)
        with sqlite3.connect(database) as connection:
            assert 24 <= connection.execute("SELECT count(*) FROM cadre").fetchone()[0]
            [session] = connection.execute(
                "SELECT s.code FROM session s JOIN enrolment e ON e.session_code = s.code "
                "ORDER BY s.held_on, s.code LIMIT 1"
            ).fetchall()[0]

        # a returned sign-in workbook, every row present
        lianjie(env, "sheets", "--quarter", QUARTER, "--session", session, "--out", str(tmp_path))
        [workbook] = tmp_path.glob(f"**/*{session}*.xlsx")
        book = load_workbook(workbook)
        rows = [row for row in book.active.iter_rows(min_row=3) if row[0].value]
        for row in rows:
            row[4].value = "已参加"
        book.save(workbook)
        org.goto(f"{url}/hand-in")
        org.select_option("select[name=kind]", "completions")
        org.fill("input[name=quarter]", QUARTER)
        org.set_input_files("input[name=file]", str(workbook))
        org.click("text=上传")
        org.wait_for_selector("h1:has-text('已完成')", timeout=120_000)
        # in the site's language: every row in, none rejected
        assert f"导入行数</td><td>{len(rows)}</td>" in org.content()
        assert "未导入行数</td><td>0</td>" in org.content()

        # the reports, then each reader's documents
        lianjie(env, "report", "--quarter", QUARTER, "--quiet")
        units = [("unit", f"U000{n}") for n in (1, 2, 3)]
        org.goto(f"{url}/")
        assert ids(*units, ("summary", "")) == listed(org)
        team = signed_in(browser, url, "team1")
        assert ids(("unit", "U0001")) == listed(team)
        jiwei = signed_in(browser, url, "jiwei")
        assert ids(("confidential", "")) == listed(jiwei)
        with team.expect_download() as download:
            team.click("text=下载")
        assert download.value.suggested_filename == f"{QUARTER}-U0001-zh.pdf"
        for kind, unit in (("unit", "U0002"), ("confidential", "")):
            refused = team.goto(f"{url}/documents/{document_id(QUARTER, kind, unit, 'zh')}")
            assert refused is not None and 403 == refused.status
        org.goto(f"{url}/access")
        log = org.content()
        assert log.count("web:team1") == 2  # the download and the refusal of U0002's report
        assert "admonition" not in log  # its refusal of the confidential list: a confidential row
        jiwei.goto(f"{url}/access")
        assert jiwei.content().count("web:team1") == 3
        browser.close()
    exported = lianjie(env, "export", "access", "--confidential").splitlines()
    team_rows = [line.rsplit(",", 1)[1] for line in exported if ",web:team1," in line]
    assert ["download", "refused", "refused"] == team_rows
