"""A cadre's confidential record on the site (issue 42, item 2): the discipline body asks for
it by employee id and gets the PDF with the admonition track, made there and then and not
kept; every other role is refused; every ask is a confidential row of the access log."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import select

from core.domain import Track
from core.settings import Settings
from harness.pipeline import run_cycle, write_city
from lianjie.web.passwords import hashed
from lianjie.web.site import site
from models.accounts import add_account
from models.db import session_for
from models.records import access_log
from models.tables import Assignment

PASSWORD = "correct horse battery"


@pytest.fixture
def db_url(isolated_settings: Path) -> str:
    """SQLite only: the record is made by the command line in a process of its own (which
    starts no Prefect server: a record runs no flow)."""
    return os.environ["LIANJIE_DATABASE_URL"]


@pytest.fixture
def client(db_url: str, tmp_path: Path) -> TestClient:
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    with session_for(db_url) as session:
        for name, role in (("jiwei", "discipline"), ("org", "organisation")):
            add_account(
                session=session, name=name, role=role, units=[], password_hash=hashed(PASSWORD)
            )
    config = Settings(data_dir=Path(os.environ["LIANJIE_DATA_DIR"]), database_url=db_url)  # type: ignore[arg-type]
    return TestClient(site(config, slowdown=lambda _: 0), base_url="https://testserver")


def signed_in(client: TestClient, name: str) -> str:
    form = client.get("/sign-in").text
    token = re.search(r'name="token" value="([^"]+)"', form)
    assert token is not None
    client.post("/sign-in", data={"name": name, "password": PASSWORD, "token": token[1]})
    page = client.get("/records").text
    csrf = re.search(r'name="token" value="([^"]+)"', page)
    return csrf[1] if csrf else ""


def admonished(db_url: str) -> str:
    with session_for(db_url) as session:
        return session.exec(
            select(Assignment.employee_id).where(Assignment.track == Track.admonition)
        ).first()  # type: ignore[return-value]


def test_the_discipline_body_gets_a_record_with_the_admonition_track(
    client: TestClient, db_url: str
) -> None:
    csrf = signed_in(client, "jiwei")
    assert "/records" in client.get("/").text
    employee = admonished(db_url)
    answer = client.post("/records", data={"employee_id": employee, "token": csrf})
    assert 200 == answer.status_code and answer.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    assert employee in text and "警示教育" in text
    assert not list(Path(os.environ["LIANJIE_DATA_DIR"]).rglob("*record*.pdf"))  # not kept
    with session_for(db_url) as session:
        [row] = [r for r in access_log(session=session) if r["os_user"] == "web:jiwei"]
    assert ("record", True) == (row["action"], row["confidential"])
    assert employee in row["path"]


def test_an_unknown_or_malformed_id_says_why_and_is_logged(client: TestClient, db_url: str) -> None:
    csrf = signed_in(client, "jiwei")
    unknown = client.post("/records", data={"employee_id": "E999999", "token": csrf})
    assert 400 == unknown.status_code and "E999999" in unknown.text
    tricked = client.post("/records", data={"employee_id": "../../etc", "token": csrf})
    assert 400 == tricked.status_code and "工号" in tricked.text
    assert 403 == client.post("/records", data={"employee_id": "E000001"}).status_code
    with session_for(db_url) as session:
        rows = [r for r in access_log(session=session) if r["os_user"] == "web:jiwei"]
    assert ["record-refused", "record-refused"] == [r["action"] for r in rows]
    assert all(r["confidential"] for r in rows)


def test_no_other_role_may_ask_for_a_record(client: TestClient, db_url: str) -> None:
    signed_in(client, "org")
    assert 403 == client.get("/records").status_code
    assert "/records" not in client.get("/").text
    answer = client.post("/records", data={"employee_id": admonished(db_url), "token": "x"})
    assert 403 == answer.status_code
