"""A leading cadre's own account (`--role cadre:EMPLOYEE_ID`): the reports the roster makes
them a reader of, quarter by quarter, the same the report e-mails go to; nothing else."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import col, select, update

from core.documents import document_id
from core.domain import LeadershipRole
from core.settings import Settings
from harness.pipeline import run_cycle, write_city
from lianjie.web.passwords import hashed
from lianjie.web.site import site
from models.accounts import add_account
from models.db import session_for
from models.tables import Cadre, Report
from reports.delivery import units_read_by

PASSWORD = "correct horse battery"


def test_a_cadre_reads_the_reports_the_roster_makes_them_a_reader_of(
    db_url: str, tmp_path: Path
) -> None:
    run_cycle(db_url, write_city(tmp_path, units=4, per_unit=8), tmp_path / "cards")
    with session_for(db_url) as session:
        cadres = session.exec(select(Cadre).where(Cadre.quarter == "2026Q4")).all()
        member = next(c for c in cadres if c.leadership_role == LeadershipRole.team_member)
        units = sorted({c.unit_code for c in cadres})
        # in charge of another unit too, as the roster's 分管单位 column may say
        charge = next(u for u in units if u != member.unit_code)
        session.exec(
            update(Cadre)
            .where(col(Cadre.employee_id) == member.employee_id)
            .values(in_charge_of=charge)
        )
        for unit in units:
            path = tmp_path / f"{unit}.pdf"
            path.write_bytes(f"%PDF {unit}".encode())
            session.add(
                Report(
                    quarter="2026Q4",
                    unit_code=unit,
                    kind="unit",
                    lang="zh",
                    path=str(path),
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                    generated_at=datetime.now(UTC),
                )
            )
        add_account(
            session=session,
            name="member",
            role="cadre",
            units=[],
            password_hash=hashed(PASSWORD),
            employee_id=member.employee_id,
        )
        session.commit()
    expected = units_read_by(LeadershipRole.team_member, member.unit_code, [charge])
    assert 2 == len(expected) < len(units)  # his own unit and the one in his charge
    config = Settings(data_dir=tmp_path / "data", database_url=db_url)
    client = TestClient(site(config, slowdown=lambda _: 0), base_url="https://testserver")
    form = client.get("/sign-in").text
    token = re.search(r'name="token" value="([^"]+)"', form)
    assert token is not None
    client.post("/sign-in", data={"name": "member", "password": PASSWORD, "token": token[1]})
    page = client.get("/").text
    listed = set(re.findall(r'href="/documents/([0-9a-f]{20})"', page))
    assert {document_id("2026Q4", "unit", u, "zh") for u in expected} == listed
    other = next(u for u in units if u not in expected)
    assert 403 == client.get(f"/documents/{document_id('2026Q4', 'unit', other, 'zh')}").status_code
