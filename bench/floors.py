"""What the hardware allows: a bare csv + sqlite3 load, and a bare WeasyPrint render.

python -m bench.floors data WORKDIR MESSAGES
python -m bench.floors stored WORKDIR MESSAGES
python -m bench.floors render WORKDIR
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROWS_50 = "".join(
    f"<tr><td>E{n:06d}</td><td>干部{n}</td><td>科长</td><td>重点领域关键岗位权力观教育</td><td>未完成</td></tr>"
    for n in range(50)
)
CHART = "".join(
    f'<rect x="120" y="{i * 22}" width="{40 * i}" height="14" fill="#8a1c1c"/>'
    f'<text x="0" y="{i * 22 + 12}">类别{i}</text>'
    for i in range(8)
)
COLUMNS = "".join(f'<col class="{c}">' for c in ("id", "name", "post", "programme", "status"))
PAGE = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm;
         @bottom-center {{ content: counter(page) " / " counter(pages); }} }}
html {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: 10pt; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
col.id {{ width: 14%; }} col.name {{ width: 14%; }} col.post {{ width: 14%; }}
col.programme {{ width: 44%; }} col.status {{ width: 14%; }}
td, th {{ border-bottom: 0.5pt solid #ccc; padding: 0.5mm 1mm; }}
</style></head><body><h1>党风廉政教育季度问责报告</h1>
<svg width="480" height="180" xmlns="http://www.w3.org/2000/svg">{CHART}</svg>
<h2>分类施教情况</h2><table>{COLUMNS}<thead><tr><th>工号</th><th>姓名</th><th>职务</th><th>项目</th><th>状态</th></tr></thead>
<tbody>{ROWS_50}</tbody></table>
<h2>未完成人员</h2><table>{COLUMNS}<thead><tr><th>工号</th><th>姓名</th><th>职务</th><th>项目</th><th>状态</th></tr></thead>
<tbody>{ROWS_50}</tbody></table></body></html>"""


def data_floor(work: Path, messages: int) -> dict[str, float]:
    """Parse the roster and write one row per cadre and one per planned message."""
    started = time.perf_counter()
    database = work / "floor.db"
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        "CREATE TABLE cadre (id TEXT PRIMARY KEY, name TEXT, unit TEXT, post TEXT,"
        " phone TEXT, email TEXT)"
    )
    connection.execute(
        "CREATE TABLE message (key TEXT PRIMARY KEY, recipient TEXT, subject TEXT,"
        " body TEXT, due TEXT)"
    )
    with (work / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        people = [(r[0], r[1], r[2], r[5], r[14], r[15]) for r in reader]
    connection.executemany("INSERT INTO cadre VALUES (?,?,?,?,?,?)", people)
    body = "同志：请于 2026-11-02 09:00–10:30 到 市委党校报告厅 参加“在职领导干部经常性专题教育”。"
    connection.executemany(
        "INSERT INTO message VALUES (?,?,?,?,?)",
        (
            (
                f"invitation:26Q4-IO-{n % 900:03d}:{people[n % len(people)][0]}:{n}",
                people[n % len(people)][4],
                "【廉洁教育】参训通知",
                people[n % len(people)][1] + body,
                "2026-10-01",
            )
            for n in range(messages)
        ),
    )
    connection.commit()
    connection.close()
    return {"work": time.perf_counter() - started}


def stored_floor(work: Path, messages: int) -> dict[str, float]:
    """`data_floor`, writing the rows as lianjie stores them: the cadre and message tables'
    own columns (20 and 21), keys and indexes, made from the project's model; the cadres with
    the file's values as they are, the messages in planning's mix and order (`_planned`). The
    `data` floor writes six and five columns into tables with one key each; the import and
    the planning write these."""
    from sqlalchemy.dialects import sqlite as dialect
    from sqlalchemy.schema import CreateIndex, CreateTable

    from intake.roster import ALIASES
    from models.tables import Cadre, Message

    tables = [Cadre.__table__, Message.__table__]  # type: ignore[attr-defined]
    schema = [s for t in tables for s in (CreateTable(t), *map(CreateIndex, t.indexes))]
    started = time.perf_counter()
    database = work / "stored-floor.db"
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")  # as lianjie's own connections
    for statement in schema:
        connection.execute(str(statement.compile(dialect=dialect.dialect())))
    with (work / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        positions = _positions(next(reader), ALIASES)
        people = [
            ("2026Q4", *(r[at] if at is not None else None for at in positions), 1) for r in reader
        ]
    connection.executemany(
        f"INSERT INTO cadre (quarter, {', '.join(STORED)}, on_roster)"
        f" VALUES ({', '.join('?' * (len(STORED) + 2))})",
        people,
    )
    connection.executemany(
        f"INSERT INTO message ({', '.join(MESSAGE)}) VALUES ({', '.join('?' * len(MESSAGE))})",
        _planned(people, messages),
    )
    connection.commit()
    connection.close()
    return {"work": time.perf_counter() - started}


def _planned(people: list[tuple[Any, ...]], messages: int) -> Iterator[tuple[Any, ...]]:
    """`messages` outbox rows in the mix and order that planning writes them: first the holiday
    reminders, person by person, by text message and by e-mail with the greeting card; then
    each session's invitations and day-before reminders, person by person, by text message
    and by e-mail. The send keys take the same shape, so the unique index on them grows as
    planning's does, at a few places at once and not at random."""
    holidays = messages * HOLIDAY_SHARE // 1000
    for n in range(messages):
        if n < holidays:
            person, channel, kind = (
                people[n // 2 % len(people)],
                CHANNELS[n % 2],
                "holiday_reminder",
            )
            key = f"holiday_reminder:2027-01-01:new_year:{person[1]}:{channel}"
            due, expires, card = "2026-12-29", "2026-12-31", CARD if channel == "email" else None
        else:
            m = n - holidays
            person, session = people[m // 4 % len(people)], m // 4 // SESSION_SIZE
            kind, channel = KINDS[m % 2], CHANNELS[m // 2 % 2]
            key = f"{kind}:26Q4-S-{session:04d}:{person[1]}:{channel}"
            # invitations are due at once; a reminder the day before its session
            due = INVITED_ON if kind == "invitation" else DAYS[session % len(DAYS)]
            expires, card = DAYS[(session + 1) % len(DAYS)], None
        address = (person[16] if channel == "email" else person[15]) or person[15] or person[16]
        yield (
            key,
            "2026Q4",
            kind,
            channel,
            address,
            person[1],
            STORED_SUBJECT,
            person[2] + STORED_BODY,
            card,
            due,
            expires,
            "queued",
            0,
            None,
            None,
            None,
            None,
            0,
            None,
            STORED_PARAMS if channel == "sms" else None,
        )


# A province's quarter (100,000 cadres): 85,891 of 549,273 messages are holiday reminders, and
# each of 1,147 sessions invites about a hundred people.
HOLIDAY_SHARE = 156  # per thousand
SESSION_SIZE = 100
CHANNELS = ("sms", "email")
KINDS = ("invitation", "session_reminder")
CARD = "cards/card-2027-01-01-new_year-zh.pdf"
INVITED_ON = "2026-10-08"
DAYS = [(date(2026, 10, 8) + timedelta(days=d)).isoformat() for d in range(58)]

# As long as the planned messages' own, on average (33 and 93 characters at 100,000 cadres).
STORED_SUBJECT = "【廉洁教育】参训通知：在职领导干部经常性专题教育第1期（市委党校）"
STORED_BODY = (
    "同志：请于2026年11月2日09:00–10:30到市委党校报告厅参加“在职领导干部经常性专题"
    "教育”第1期。请提前10分钟签到，不得无故缺席；如需请假，请向本单位组织人事部门报备。"
)

# A text's template parameters, as planning stores them for the SMS clouds.
STORED_PARAMS = (
    '{"name":"干部","day":"11月2日","time":"9:00—10:30","venue":"市委党校报告厅",'
    '"programme":"在职领导干部经常性专题教育","code":"26Q4-S-0001"}'
)

# The message table's columns but its id, as `stored_floor` fills them.
MESSAGE = (
    "send_key",
    "quarter",
    "kind",
    "channel",
    "recipient",
    "employee_id",
    "subject",
    "body",
    "attachment",
    "due_on",
    "expires_on",
    "status",
    "attempts",
    "last_error",
    "next_attempt_at",
    "sent_at",
    "route",
    "route_index",
    "provider_ref",
    "params",
)


# The cadre table's columns that a roster fills (the others are the quarter and on_roster).
STORED = (
    "employee_id",
    "name",
    "unit_code",
    "post",
    "rank",
    "leadership_role",
    "in_charge_of",
    "party_member",
    "appointed_on",
    "reserve_cadre",
    "discipline_status",
    "discipline_kind",
    "discipline_on",
    "key_post",
    "phone",
    "email",
    "wecom_user_id",
    "dingtalk_user_id",
)


def _positions(header: list[str], aliases: dict[str, tuple[str, ...]]) -> list[int | None]:
    """Where the file has each of STORED, by any of its names (discipline_kind is written in
    the discipline column)."""
    named = {name: column for column, names in aliases.items() for name in (column, *names)}
    at = {named[h]: position for position, h in enumerate(header) if h in named}
    return [at.get("discipline_status" if c == "discipline_kind" else c) for c in STORED]


def render_floor(work: Path, count: int = 20) -> dict[str, float]:
    """A warm process rendering a 3-page report with two 50-row tables and an SVG chart, `count`
    times (about 10 s: a few renders alone moved with the machine's moment)."""
    from weasyprint import HTML

    HTML(string=PAGE).write_pdf(work / "floor.pdf")  # warm up fonts and imports
    started = time.perf_counter()
    for _ in range(count):
        document = HTML(string=PAGE).render()
        document.write_pdf(work / "floor.pdf")
    return {"per_pdf": (time.perf_counter() - started) / count, "pages": len(document.pages)}


if __name__ == "__main__":
    folder = Path(sys.argv[2])
    if sys.argv[1] == "data":
        print(json.dumps(data_floor(folder, int(sys.argv[3]))))
    elif sys.argv[1] == "stored":
        print(json.dumps(stored_floor(folder, int(sys.argv[3]))))
    else:
        print(json.dumps(render_floor(folder)))
