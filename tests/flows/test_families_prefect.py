"""Family data never enters Prefect (issue 44, item 1): the cycle reads the families file of
LIANJIE_FAMILIES on a real Prefect server, a second cycle takes one as its parameter, and the
dispatch sends the Spring Festival's letters; then everything the server keeps of those runs
(names, parameters, task runs, artifacts, logs) is searched for any family member's name,
number or address."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from core.domain import MessageKind, MessageStatus
from harness.prefect_stored import flow_run_of, stored_once_logged
from harness.talks import ROSTER
from lianjie.cli.summaries import family_lines
from lianjie.synthetic import HEADER, write_csv
from models.db import session_for
from models.tables import Message

FAMILIES = ["工号", "家属姓名", "关系", "手机", "邮箱", "同意接收"]
CONTACTS = [
    ["E1", "张丽华", "配偶", "13911110001", "zlh@family.example.cn", "是"],
    ["E2", "王志强", "配偶", "13911110002", "", "是"],
    ["E5", "赵敏慧", "配偶", "13911110005", "zmh@family.example.cn", "是"],
    ["E6", "孙小梅", "配偶", "1391111", "", "是"],  # a bad number: a reject names its row only
]
NAMED = [w for row in CONTACTS for w in row[1:5] if w and w != "配偶"]


@pytest.mark.slow
def test_prefect_keeps_no_family_name_or_number(
    db_url: str, tmp_path: Path, prefect_harness: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.cycle import quarterly_cycle
    from flows.dispatch import daily_dispatch

    roster = write_csv(tmp_path / "roster.csv", HEADER, ROSTER)
    families = write_csv(tmp_path / "families.csv", FAMILIES, CONTACTS)
    monkeypatch.setenv("LIANJIE_FAMILIES", str(families))
    first = quarterly_cycle(
        quarter="2027Q1", roster=str(roster), as_of=date(2027, 1, 4), return_state=True
    )
    monkeypatch.delenv("LIANJIE_FAMILIES")
    again = quarterly_cycle(
        quarter="2027Q1",
        roster=str(roster),
        as_of=date(2027, 1, 5),
        families=str(families),
        return_state=True,
    )
    sent = daily_dispatch(date=date(2027, 2, 2), allow_future=True, return_state=True)
    runs = [flow_run_of(state) for state in (first, again, sent)]
    summary = first.result()  # what the cycle says of the families: numbers only
    assert {k: summary.families[k] for k in ("read", "accepted", "rejected", "families")} == {
        "read": 4,
        "accepted": 3,
        "rejected": 1,
        "families": 3,
    }
    assert family_lines(summary.families, "") == [
        "Families: 4 rows read, 3 accepted, 1 rejected (lianjie families FILE lists why); "
        "3 agreeing to receive letters; 10 family letters queued"
    ]
    with session_for(db_url) as session:
        letters = session.exec(
            select(Message).where(
                Message.kind == MessageKind.family_letter, Message.status == MessageStatus.sent
            )
        ).all()
    assert len(letters) == 5  # E1 and E5 by text and e-mail, E2 by text
    # The runs' logs reach the server after the runs: read once the cycle's line is there.
    said = "families file: 4 rows read, 3 accepted"
    stored = stored_once_logged(runs, said)
    assert stored["artifacts"] and any(said in line for line in stored["logs"])
    found = {
        where: [line for line in lines if any(word in line for word in NAMED)]
        for where, lines in stored.items()
    }
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=1)
