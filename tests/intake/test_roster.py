"""Reading rosters as people really send them, and what a bad row gets."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.domain import LeadershipRole, Quarter, Rank
from core.exceptions import UnreadableFileError
from harness.factories import ROSTER_HEADER, roster_row, write_roster
from harness.pipeline import run_settings
from intake.read import Table, read_table
from intake.roster import parse_roster
from lianjie.exports import Export, build_rows


class TestContainers:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
    def test_csv_in_every_encoding_reads_the_same(self, tmp_path: Path, encoding: str) -> None:
        """UTF-8, UTF-8 with BOM and GB18030/GBK are detected, never asked for."""
        path = write_roster(tmp_path / "r.csv", [roster_row(1, 姓名="欧阳娜娜")], encoding=encoding)
        result = parse_roster(read_table(path))
        assert ["欧阳娜娜"] == [c.name for c in result.accepted]
        assert [] == result.rejects

    def test_big5_is_detected_and_a_whole_gbk_city_still_reads_as_gbk(self, tmp_path: Path) -> None:
        """GB18030 decodes Big5 bytes too, as nonsense (中華民國 as い地チ瓣): Big5 is chosen
        when it reads as Chinese and GB18030 does not; a mainland file never changes."""
        from lianjie.synthetic import HEADER, roster_rows

        big5 = tmp_path / "hk.csv"
        big5.write_bytes(
            "employee_id,name,unit_code,unit_name,post\n"
            "E1,陳建國,U1,臺北市政府,局長\nE2,林美華,U2,中華民國財政部,處長\n".encode("big5")
        )
        result = parse_roster(read_table(big5))
        assert ["陳建國", "林美華"] == [c.name for c in result.accepted]
        assert "中華民國財政部" == result.accepted[1].unit_name

        rows = roster_rows(8, 30, date(2026, 10, 1))
        text = "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n"
        gbk = tmp_path / "city.csv"
        gbk.write_bytes(text.encode("gbk"))
        assert [r[1] for r in rows] == [c.name for c in parse_roster(read_table(gbk)).accepted]

    def test_tab_separated(self, tmp_path: Path) -> None:
        """Tab-separated exports work like comma-separated ones."""
        path = write_roster(tmp_path / "r.tsv", [roster_row(1), roster_row(2)], delimiter="\t")
        assert 2 == len(parse_roster(read_table(path)).accepted)

    def test_xlsx_with_date_cells_and_a_title_row(self, tmp_path: Path) -> None:
        """The header is the first non-empty row; Excel date cells and text dates both work."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.append([])
        sheet.append(ROSTER_HEADER)
        first = roster_row(1)
        first[ROSTER_HEADER.index("任现职时间")] = datetime(2024, 3, 1)  # type: ignore[call-overload]
        sheet.append(first)
        sheet.append(roster_row(2, 任现职时间="2024年5月"))
        sheet.append(roster_row(3, 任现职时间="bad"))
        workbook.save(tmp_path / "r.xlsx")
        result = parse_roster(read_table(tmp_path / "r.xlsx"))
        assert [date(2024, 3, 1), date(2024, 5, 1)] == [c.appointed_on for c in result.accepted]
        assert [(5, "appointed_on")] == [(r.row, r.column) for r in result.rejects]

    def test_formulas_are_never_evaluated(self, tmp_path: Path) -> None:
        """A formula cell gives the value Excel saved with it, or nothing: it is never run."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(ROSTER_HEADER)
        sheet.append(roster_row(1, 姓名='=HYPERLINK("http://127.0.0.1:9/x","点我")'))
        sheet.append(roster_row(2, 邮箱="=1+1"))
        workbook.save(tmp_path / "r.xlsx")
        result = parse_roster(read_table(tmp_path / "r.xlsx"))
        assert [(2, "name")] == [(r.row, r.column) for r in result.rejects]
        assert [None] == [c.email for c in result.accepted]

    def test_english_headers_in_any_case_and_order(self, tmp_path: Path) -> None:
        """Headers match case-insensitively, trimmed, in English; order does not matter."""
        header = [" Name ", "EMPLOYEE_ID", "unit_name", "Unit_Code", "post", "Rank"]
        path = write_roster(
            tmp_path / "r.csv", [["李雷", "E1", "市审计局", "U9", "局长", "县处级"]], header=header
        )
        result = parse_roster(read_table(path))
        assert "E1" == result.accepted[0].employee_id
        assert Rank.division == result.accepted[0].rank

    def test_unknown_columns_are_reported_once(self, tmp_path: Path) -> None:
        """Columns outside the contract are named in a warning and kept nowhere."""
        header = [*ROSTER_HEADER, "备注"]
        path = write_roster(tmp_path / "r.csv", [[*roster_row(1), "x"]], header=header)
        assert ["备注"] == parse_roster(read_table(path)).unknown_columns

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            (b"", "empty"),
            (b"   \n\n", "empty"),
            (b"\x00\x01\x02binary\x00", "binary"),
            (b"PK\x03\x04 not really a zip", "not a readable .xlsx"),
        ],
    )
    def test_unreadable_files_fail_with_one_message(
        self, tmp_path: Path, content: bytes, problem: str
    ) -> None:
        """A file that cannot be read at all names the file and the problem."""
        path = tmp_path / "roster.csv"
        path.write_bytes(content)
        with pytest.raises(UnreadableFileError, match=problem) as raised:
            read_table(path)
        assert str(path) in str(raised.value)

    def test_required_column_missing(self, tmp_path: Path) -> None:
        """A roster without a required column fails before any row is read."""
        header = [h for h in ROSTER_HEADER if h != "职务"]
        path = write_roster(tmp_path / "r.csv", [], header=header)
        with pytest.raises(UnreadableFileError, match="required column missing: post"):
            parse_roster(read_table(path))

    def test_missing_file(self, tmp_path: Path) -> None:
        """A path that does not exist says so."""
        with pytest.raises(UnreadableFileError, match="no such file"):
            read_table(tmp_path / "nope.csv")


class TestRows:
    def test_bad_rows_are_rejected_with_row_column_and_reason(self, tmp_path: Path) -> None:
        """Every bad row names its Excel row number and column; the good rows still go in."""
        rows = [
            roster_row(1),
            roster_row(2, 手机="12345"),
            roster_row(3, 姓名=""),
            roster_row(4, 职级="副部级"),
            roster_row(1, 姓名="重复"),
            roster_row(5),
        ]
        result = parse_roster(read_table(write_roster(tmp_path / "r.csv", rows)))
        assert ["E0001", "E0005"] == [c.employee_id for c in result.accepted]
        assert [(3, "phone"), (4, "name"), (5, "rank"), (6, "employee_id")] == [
            (r.row, r.column) for r in result.rejects
        ]
        assert "first on row 2" in result.rejects[-1].reason
        assert "12345" == result.rejects[0].values["phone"]

    def test_a_value_on_many_rows_is_judged_for_each_row(self, tmp_path: Path) -> None:
        """A file's repeating columns (职级, 单位编码, dates) are judged once per distinct cell:
        each row sharing a bad value is still rejected on its own row, each sharing a good one
        gets it, and a column with two rules (a unit code must be given, and be a code) never
        takes one rule's answer for the other's."""
        rows = [
            roster_row(1, 职级="副部级"),
            roster_row(2),
            roster_row(3, 职级="副部级"),
            roster_row(4, 单位编码=""),
            roster_row(5, 单位编码=""),
            roster_row(6, 单位编码="U 01"),
            roster_row(7, 单位编码="U 01"),
            roster_row(8, 任现职时间="2021-2-3"),
            roster_row(9, 任现职时间="2021-2-3", 职级="县处级"),
        ]
        result = parse_roster(read_table(write_roster(tmp_path / "r.csv", rows)))
        assert [
            (2, "rank", "not_one_of"),
            (4, "rank", "not_one_of"),
            (5, "unit_code", "required"),
            (6, "unit_code", "required"),
            (7, "unit_code", "bad_code"),
            (8, "unit_code", "bad_code"),
        ] == [(r.row, r.column, r.code) for r in result.rejects]
        assert result.rejects[0].reason == result.rejects[1].reason
        assert "副部级" == result.rejects[1].values["rank"]
        assert [
            ("E0002", date(2020, 1, 1), Rank.section),
            ("E0008", date(2021, 2, 3), Rank.section),
            ("E0009", date(2021, 2, 3), Rank.division),
        ] == [(c.employee_id, c.appointed_on, c.rank) for c in result.accepted]

    def test_text_is_kept_exactly(self, tmp_path: Path) -> None:
        """Names may hold any Unicode, markup characters included; nothing is altered."""
        name = "<b>王&amp;</b> 𠮷"
        result = parse_roster(
            read_table(write_roster(tmp_path / "r.csv", [roster_row(1, 姓名=name)]))
        )
        assert name == result.accepted[0].name

    def test_team_member_answers_for_listed_units(self, tmp_path: Path) -> None:
        """in_charge_of is split on every separator the contract lists."""
        row = roster_row(1, 班子职务="副职", 分管单位="U02；U03、U04")
        cadre = parse_roster(read_table(write_roster(tmp_path / "r.csv", [row]))).accepted[0]
        assert LeadershipRole.team_member == cadre.leadership_role
        assert ("U02", "U03", "U04") == cadre.in_charge_of


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "是",
            "否",
            "县处级",
            "一把手",
            "2024-03-01",
            "2024年13月",
            "13800138000",
            "+86 139 0000 0000",
            "受处分",
            "E1",
            "E2",
            "=cmd|' /C calc'!A0",
            "<script>",
        ]
    ),
)


class TestProperties:
    @given(rows=st.lists(st.lists(CELL, min_size=0, max_size=len(ROSTER_HEADER) + 2), max_size=30))
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_rows_read_equal_accepted_plus_rejected(self, rows: list[list[str]]) -> None:
        """For any rows at all: nothing escapes as an exception and nothing is lost."""
        numbered = [(n, list(r)) for n, r in enumerate(rows, start=2) if any(c.strip() for c in r)]
        table = Table.under_header("generated.csv", "0" * 64, ROSTER_HEADER, numbered)  # type: ignore[arg-type]
        result = parse_roster(table)
        assert result.read == len(result.accepted) + len(result.rejects)
        assert len(numbered) == result.read + len(result.ignored_lines)
        assert len({c.employee_id for c in result.accepted}) == len(result.accepted)


class TestDatabaseSource:
    @pytest.fixture
    def hr_database(self, tmp_path: Path) -> str:
        import sqlite3

        path = tmp_path / "hr.db"
        with sqlite3.connect(path) as connection:
            columns = ", ".join(f'"{h}" TEXT' for h in ROSTER_HEADER)
            connection.execute(f"CREATE TABLE cadres ({columns})")
            marks = ", ".join("?" for _ in ROSTER_HEADER)
            connection.executemany(
                f"INSERT INTO cadres VALUES ({marks})",
                [roster_row(1), roster_row(2, 手机="bad"), roster_row(3)],
            )
        return f"sqlite:///{path}"

    def test_table(self, hr_database: str) -> None:
        """An HR system's table reads like a spreadsheet: rows numbered from 2 under the header."""
        from intake.database import read_source

        result = parse_roster(read_source("hr:table=cadres", hr_url=hr_database))
        assert ["E0001", "E0003"] == [c.employee_id for c in result.accepted]
        assert [(3, "phone")] == [(r.row, r.column) for r in result.rejects]

    def test_query(self, hr_database: str) -> None:
        """A query selects the rows, e.g. one unit's cadres."""
        from intake.database import read_source

        source = "hr:query=SELECT * FROM cadres WHERE \"工号\" <> 'E0002'"
        assert 2 == len(parse_roster(read_source(source, hr_url=hr_database)).accepted)

    @pytest.mark.parametrize(
        ("fragment", "problem"),
        [
            ("hr:", "name a table"),
            ("hr:table=nope", "no table named 'nope'"),
            ("hr:query=SELECT * FROM nope", "OperationalError"),
        ],
    )
    def test_unusable_sources_are_one_message(
        self, hr_database: str, fragment: str, problem: str
    ) -> None:
        """A missing table or a broken query fails with one message, password hidden."""
        from intake.database import read_source

        with pytest.raises(UnreadableFileError, match=problem):
            read_source(fragment, hr_url=hr_database)

    def test_password_is_hidden(self) -> None:
        """A database password never appears in the message."""
        from intake.database import read_source

        with pytest.raises(UnreadableFileError) as raised:
            read_source(
                "hr:table=cadres", hr_url="postgresql+psycopg://hr:topsecret@127.0.0.1:1/hr"
            )
        assert "topsecret" not in str(raised.value)


class TestRoundTrip:
    def test_xlsx_to_database_to_export(self, db_url: str, tmp_path: Path) -> None:
        """An XLSX roster goes in and comes back out of `export tracks` with the same people."""
        from flows.placement import classify_cadres
        from flows.roster import import_roster
        from lianjie.exports import Format, serialise
        from models.db import session_for
        from models.facts import load_quarter

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(ROSTER_HEADER)
        for number in range(1, 6):
            sheet.append(roster_row(number, 姓名=f"{'+-@'[number % 3]}cmd|' /C calc'!A{number}"))
        workbook.save(tmp_path / "r.xlsx")
        import_roster.fn(
            run=run_settings(db_url),
            quarter=Quarter(2026, 4),
            roster=str(tmp_path / "r.xlsx"),
            policy_file=None,
            as_of=date(2026, 10, 1),
        )
        classify_cadres.fn(
            run=run_settings(db_url), quarter=Quarter(2026, 4), as_of=date(2026, 10, 1)
        )
        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        rows = build_rows(Export.tracks, data, [], confidential=False, as_of=data.as_of)
        assert {f"E{n:04d}" for n in range(1, 6)} == {r["employee_id"] for r in rows}
        exported = serialise(Export.tracks, rows, Format.xlsx)
        from io import BytesIO

        from openpyxl import load_workbook

        cells = list(load_workbook(BytesIO(exported)).active.iter_rows(values_only=True))
        assert ("employee_id", "name", "unit_code", "track", "reason") == cells[0]
        assert all(str(row[1])[:2] in {"'+", "'-", "'@"} for row in cells[1:])


class TestWorkAppAccounts:
    def test_wecom_and_dingtalk_accounts_are_read_and_a_bad_one_rejected(
        self, tmp_path: Path
    ) -> None:
        header = [*ROSTER_HEADER, "企业微信账号", "钉钉账号"]
        rows = [
            [*roster_row(1), "WangWei", ""],
            [*roster_row(2), "", "manager4021"],
            [*roster_row(3), "王 伟", ""],  # a name, not an account
        ]
        result = parse_roster(read_table(write_roster(tmp_path / "r.csv", rows, header=header)))
        accounts = {c.employee_id: (c.wecom_user_id, c.dingtalk_user_id) for c in result.accepted}
        assert {"E0001": ("WangWei", None), "E0002": (None, "manager4021")} == accounts
        [reject] = result.rejects
        assert (4, "wecom_user_id") == (reject.row, reject.column)
        assert "is not a WeCom or DingTalk account" in reject.reason
