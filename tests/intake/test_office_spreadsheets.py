"""Spreadsheets laid out as an organisation department's office lays them out.

Each layout is built here with openpyxl (merged cells included) from the same rows as a plain
file, and must give exactly what the plain file gives: the same cadres accepted, the same rows
rejected for the same reasons, the same tracks. Only where a row is (its number, its sheet) and
the lines that are not data differ.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.domain import Quarter
from core.exceptions import UnreadableFileError
from flows.artifacts import ImportSummary
from flows.placement import classify_cadres, schedule_sessions
from flows.roster import import_roster
from harness.pipeline import run_settings
from intake.completions import parse_completions
from intake.contract import Contract
from intake.layout import combined
from intake.lines import FOOTERS
from intake.read import read_table
from intake.roster import ALIASES, parse_roster
from intake.roster import CONTRACT as ROSTER
from lianjie.cli.summaries import import_lines
from lianjie.synthetic import HEADER, roster_rows, with_mistakes, write_csv
from policy.classify import classify_all
from policy.config import Policy

AS_OF = date(2026, 9, 28)
AS_OF_CYCLE = date(2026, 10, 1)
TITLE = "示范市2026年第四季度领导干部花名册"
FOOTER = "填表人：张三    审核人：李四    联系电话：138 0013 8000"

# Headers over two rows: each column's (group, child); a column not named here is merged down.
GROUPS = {
    "单位编码": ("单位", "编码"),
    "单位名称": ("单位", "名称"),
    "纪律状况": ("纪律情况", "状况"),
    "处分/函询时间": ("纪律情况", "处分/函询时间"),
    "手机": ("联系方式", "手机"),
    "邮箱": ("联系方式", "邮箱"),
}


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    """90 cadres in 9 units, and three rows clerks got wrong (each rejected in a plain file)."""
    return with_mistakes(roster_rows(9, 10, AS_OF))


@pytest.fixture
def plain(tmp_path: Path, rows: list[list[str]]) -> Path:
    return write_csv(tmp_path / "plain.csv", HEADER, rows)


def outcome(path: Path, policy: Policy, **read: str) -> tuple[object, ...]:
    """What an import decides, without where each row stood in the file."""
    result = parse_roster(read_table(path, **read))  # type: ignore[arg-type]
    return (
        result.read,
        result.accepted,
        Counter((r.values.get("employee_id"), r.column, r.code) for r in result.rejects),
        classify_all(result.accepted, policy, AS_OF),
    )


def merge_title(sheet: Worksheet, text: str, width: int) -> None:
    sheet.append([text])
    row = sheet.max_row
    sheet.merge_cells(f"A{row}:{get_column_letter(width)}{row}")


def titled_sheet(sheet: Worksheet, rows: list[list[str]], title: str = TITLE) -> None:
    """A title merged across, a line of who sent it and when, 序号, a blank row, a footer."""
    width = len(HEADER) + 1
    merge_title(sheet, title, width)
    sheet.append(["填报单位：市委组织部", *[""] * 8, "填报日期：2026年9月28日"])
    sheet.append(["序号", *HEADER])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append([])
    sheet.append([FOOTER])


def two_row_header(sheet: Worksheet, rows: list[list[str]]) -> None:
    """单位 over 编码 / 名称, 纪律情况 over 状况 / 处分/函询时间, 联系方式 over 手机 / 邮箱; every
    other header merged down over both rows; a 合计 row at the end."""
    columns = ["序号", *HEADER]
    top, below = [], []
    for name in columns:
        group, child = GROUPS.get(name, (name, None))
        top.append(group if not top or child is None or top[-1] != group else None)
        below.append(child)
    merge_title(sheet, TITLE, len(columns))
    sheet.append(top)
    sheet.append(below)
    first = sheet.max_row - 1
    for position, name in enumerate(columns, start=1):
        letter = get_column_letter(position)
        if name not in GROUPS:
            sheet.merge_cells(f"{letter}{first}:{letter}{first + 1}")
        elif top[position - 1] is not None:  # a group's first column: merged across its children
            span = sum(1 for c in columns if GROUPS.get(c, ("",))[0] == GROUPS[name][0])
            sheet.merge_cells(f"{letter}{first}:{get_column_letter(position + span - 1)}{first}")
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append(["合计", f"{len(rows)}人"])


def save(workbook: Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def per_unit(
    path: Path, rows: list[list[str]], extra: Callable[[Workbook], None] | None = None
) -> Path:
    """One sheet per unit, each with its own title row and the same header."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    units: dict[str, list[list[str]]] = defaultdict(list)
    for row in rows:
        units[row[HEADER.index("单位名称")]].append(row)
    for unit, members in units.items():
        titled_sheet(workbook.create_sheet(unit), members, title=f"{unit}领导干部花名册")
    if extra:
        extra(workbook)
    return save(workbook, path)


class TestLayouts:
    def test_title_rows_a_serial_column_and_a_footer(
        self, tmp_path: Path, rows: list[list[str]], plain: Path, policy: Policy
    ) -> None:
        """The title and the 填报单位 line describe the file; 序号 is ignored once; the footer is
        an ignored line, never a reject."""
        workbook = Workbook()
        titled_sheet(workbook.active, rows)  # type: ignore[arg-type]
        path = save(workbook, tmp_path / "titled.xlsx")
        assert outcome(plain, policy) == outcome(path, policy)
        result = parse_roster(read_table(path))
        assert [TITLE, "填报单位：市委组织部  填报日期：2026年9月28日"] == [
            line.text for line in result.description
        ]
        assert ["序号"] == result.unknown_columns
        assert [("footer", len(rows) + 5)] == [(i.kind, i.row) for i in result.ignored_lines]
        assert "13800138000" not in str(result.ignored_lines[0]).replace(" ", "")
        # rows are numbered as Excel shows them: the header is row 3, the first cadre row 4
        assert {r.row for r in result.rejects} <= set(range(4, 4 + len(rows)))

    def test_two_row_header_with_merged_groups_and_a_totals_row(
        self, tmp_path: Path, rows: list[list[str]], plain: Path, policy: Policy
    ) -> None:
        """单位 + 编码 is 单位编码, 手机 under 联系方式 stands alone, cells merged down keep
        their names; the 合计 row is ignored."""
        workbook = Workbook()
        two_row_header(workbook.active, rows)  # type: ignore[arg-type]
        path = save(workbook, tmp_path / "two-rows.xlsx")
        assert outcome(plain, policy) == outcome(path, policy)
        result = parse_roster(read_table(path))
        assert ["total"] == [line.kind for line in result.ignored_lines]
        assert [] == result.missing_columns[:0] and "phone" not in result.missing_columns
        assert ["序号"] == result.unknown_columns

    def test_one_sheet_per_unit(
        self, tmp_path: Path, rows: list[list[str]], plain: Path, policy: Policy
    ) -> None:
        """Every sheet is read; each reject names its sheet; a sheet of instructions is skipped;
        --sheet still picks one."""

        def instructions(workbook: Workbook) -> None:
            notes = workbook.create_sheet("填表说明")
            notes.append(["1. 工号填写人事系统中的人员编号"])
            notes.append(["2. 职级填写：厅局级、县处级、乡科级、一般干部"])

        path = per_unit(tmp_path / "units.xlsx", rows, instructions)
        assert outcome(plain, policy) == outcome(path, policy)
        result = parse_roster(read_table(path))
        assert ["填表说明"] == result.skipped_sheets
        assert all(r.sheet for r in result.rejects)
        assert 9 == len({line.sheet for line in result.ignored_lines})  # a footer each
        duplicate = next(r for r in result.rejects if r.code.startswith("duplicate"))
        assert duplicate.sheet == "市委办公室" and "duplicate" == duplicate.code  # same sheet
        moved = [
            *rows,
            list(rows[0]),
        ]  # the first unit's top leader again, on the last unit's sheet
        moved[-1][HEADER.index("单位名称")] = "市税务局"
        again = parse_roster(read_table(per_unit(tmp_path / "again.xlsx", moved)))
        elsewhere = next(r for r in again.rejects if r.code == "duplicate_on_sheet")
        assert ("市税务局", "市委办公室") == (elsewhere.sheet, elsewhere.params["first_sheet"])
        assert "first on sheet 市委办公室, row 4" in elsewhere.reason
        one = parse_roster(read_table(path, sheet="市财政局"))
        assert {"市财政局"} == {c.unit_name for c in one.accepted}
        assert [] == one.skipped_sheets and all(not r.sheet for r in one.rejects)

    def test_english_headers_titles_and_footers(
        self, tmp_path: Path, rows: list[list[str]], plain: Path, policy: Policy
    ) -> None:
        """The same in the contract's English names: "Prepared by", "Total" and the like."""
        english = {name: canonical for canonical, names in ALIASES.items() for name in names}
        english |= {"政治面貌": "party_member", "班子职务": "leadership_role"}
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["Leading cadres of the demo city, 2026 Q4"])
        sheet.append(["No.", *(english[h].replace("_", " ").title() for h in HEADER)])
        for number, row in enumerate(rows, start=1):
            sheet.append([number, *row])
        sheet.append(["Total", len(rows)])
        sheet.append(["Prepared by: Zhang San", None, "Checked by: Li Si"])
        path = save(workbook, tmp_path / "english.xlsx")
        assert outcome(plain, policy) == outcome(path, policy)
        assert ["total", "footer"] == [
            line.kind for line in parse_roster(read_table(path)).ignored_lines
        ]

    def test_a_sign_in_sheet_typed_up_by_a_clerk(self, tmp_path: Path) -> None:
        """党风廉政教育培训签到表: the title, 序号 and 姓名 columns and the 经办人 footer."""
        header = ["序号", "工号", "姓名", "场次编号", "参训情况", "成绩"]
        signed = [
            ["1", "E0001", "张伟", "LC-01", "已参加", "95"],
            ["2", "E0002", "王芳", "LC-01", "请假", ""],
            ["3", "E9999", "无名", "LC-01", "已参加", "90"],  # nobody on the roster
        ]
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        merge_title(sheet, "党风廉政教育培训签到表", len(header))
        sheet.append(["培训时间：2026年11月10日", None, None, "地点：市委党校"])
        sheet.append(header)
        for row in signed:
            sheet.append(row)
        sheet.append([])
        sheet.append(["经办人：王五", None, None, "日期：2026年11月10日"])
        path = save(workbook, tmp_path / "signed.xlsx")
        lookups = {
            "cadres": {"E0001": {"LC"}, "E0002": {"LC"}},
            "sessions": {"LC-01": ["LC"]},
            "programmes": {"LC": "LC"},
        }
        result = parse_completions(read_table(path), **lookups)  # type: ignore[arg-type]
        assert (3, 2) == (result.read, len(result.accepted))
        assert [(6, "employee_id", "unknown_cadre")] == [
            (r.row, r.column, r.code) for r in result.rejects
        ]
        assert ["姓名", "序号"] == sorted(result.unknown_columns)
        assert ["footer"] == [line.kind for line in result.ignored_lines]


class TestWhatIsStillData:
    def test_a_row_in_the_middle_that_is_not_data_is_rejected_as_today(
        self, tmp_path: Path, rows: list[list[str]]
    ) -> None:
        """Only after the data are footers skipped: a note in the middle is a row with a reason."""
        workbook = Workbook()
        middle = [*rows[:40], ["备注：以下为新任职干部"], *rows[40:]]
        titled_sheet(workbook.active, middle)  # type: ignore[arg-type]
        result = parse_roster(read_table(save(workbook, tmp_path / "note.xlsx")))
        assert len(middle) == result.read
        assert any(r.row == 3 + 41 for r in result.rejects)

    def test_a_sheet_that_names_some_columns_but_misses_one_is_an_error(
        self, tmp_path: Path, rows: list[list[str]]
    ) -> None:
        """A unit's sheet without 职务 is not skipped in silence: its rows would be lost."""
        workbook = Workbook()
        titled_sheet(workbook.active, rows[:10])  # type: ignore[arg-type]
        broken = workbook.create_sheet("市审计局")
        broken.append(["工号", "姓名", "单位编码", "单位名称"])
        broken.append(["E7777", "李雷", "U77", "市审计局"])
        with pytest.raises(UnreadableFileError, match=r"sheet 市审计局.*post \(职务/现任职务\)"):
            read_and_parse(save(workbook, tmp_path / "partial.xlsx"))

    def test_no_header_anywhere_names_the_columns_it_looked_for(self, tmp_path: Path) -> None:
        """A title and a footer and nothing else: exit 2 with the columns, as before."""
        workbook = Workbook()
        merge_title(workbook.active, TITLE, 5)  # type: ignore[arg-type]
        workbook.active.append([FOOTER])  # type: ignore[union-attr]
        with pytest.raises(UnreadableFileError, match="required column missing: employee_id"):
            read_and_parse(save(workbook, tmp_path / "empty.xlsx"))

    def test_a_header_repeated_on_every_printed_page_is_not_data(
        self, tmp_path: Path, rows: list[list[str]], plain: Path, policy: Policy
    ) -> None:
        path = write_csv(tmp_path / "pages.csv", HEADER, [*rows[:45], HEADER, *rows[45:]])
        assert outcome(plain, policy) == outcome(path, policy)
        assert ["header"] == [i.kind for i in parse_roster(read_table(path)).ignored_lines]


def read_and_parse(path: Path) -> object:
    return parse_roster(read_table(path))


class TestHeaderNames:
    @pytest.mark.parametrize(
        ("top", "below", "expected"),
        [
            (["单位", None, "职务"], ["编码", "名称", None], ["单位编码", "单位名称", "职务"]),
            (["联系方式", None], ["手机", "邮箱"], ["手机", "邮箱"]),
            (["纪律情况", None], ["状况", "处分/函询时间"], ["纪律状况", "处分/函询时间"]),
            (["上级", "姓名"], ["单位编码", None], ["上级单位编码", "姓名"]),
            (["unit", None], ["code", "name"], ["unit_code", "unit_name"]),
            (["联系方式", None], ["座机", "手机"], ["联系方式座机", "手机"]),
        ],
    )
    def test_two_rows_become_one_name_per_column(
        self, top: list[str | None], below: list[str | None], expected: list[str]
    ) -> None:
        names = combined([t or "" for t in top], [b or "" for b in below], ROSTER)
        assert expected == names

    def test_headers_padded_or_broken_over_lines_still_match(self) -> None:
        """Clerks align "工  号" with spaces and break "任现职\\n时间" inside a cell."""
        contract = Contract(ALIASES, frozenset())
        assert ["employee_id", "appointed_on", "unit_code"] == [
            contract.canonical(h) for h in ("工  号", "任现职\n时间", "Unit Code")
        ]


class TestSummary:
    def test_the_summary_shows_the_description_the_ignored_lines_and_skipped_sheets(
        self, tmp_path: Path, rows: list[list[str]]
    ) -> None:
        def instructions(workbook: Workbook) -> None:
            workbook.create_sheet("填表说明").append(["按单位分表填写"])

        result = parse_roster(read_table(per_unit(tmp_path / "u.xlsx", rows, instructions)))
        summary = ImportSummary.of(result)
        text = "\n".join(import_lines(summary))
        assert "file says: 市财政局领导干部花名册" in text
        assert "sheets skipped (no table of this kind): 填表说明" in text
        assert "ignored lines (9, not data)" in text
        assert "sheet 市财政局, row" in text
        dumped = summary.model_dump_json()
        assert "ignored_lines" in dumped and "13800138000" not in dumped.replace(" ", "")


TITLE_LINES = st.lists(
    st.text(
        alphabet="示范市年季度领导干部花名册填报单位日期：0123456789 ", min_size=1, max_size=30
    ),
    max_size=5,
)
FOOTER_LINES = st.lists(
    st.tuples(st.sampled_from(FOOTERS), st.text(alphabet="张三李四王五：0123456789 ", max_size=20)),
    max_size=4,
)


class TestProperties:
    @given(titles=TITLE_LINES, footers=FOOTER_LINES, blank=st.booleans())
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def test_lines_above_and_below_a_table_change_nothing(
        self,
        tmp_path: Path,
        rows: list[list[str]],
        plain: Path,
        policy: Policy,
        titles: list[str],
        footers: list[tuple[str, str]],
        blank: bool,
    ) -> None:
        """Any titles above and any footers below a valid table: the same result as the table."""
        lines = [
            *([t] for t in titles if t.strip()),
            HEADER,
            *rows,
            *([[]] if blank else []),
            *([f"{word}{rest}"] for word, rest in footers),
        ]
        path = write_csv(tmp_path / "framed.csv", lines[0], lines[1:])
        assert outcome(plain, policy) == outcome(path, policy)


class TestThroughTheQuarter:
    def test_a_workbook_per_unit_and_a_typed_up_sign_in_sheet_go_in_like_plain_files(
        self, db_url: str, tmp_path: Path, rows: list[list[str]]
    ) -> None:
        """The cycle stores the per-unit workbook's cadres and its rejects with their sheets (the
        rejects export names them); a sign-in sheet typed up by a clerk is collected, the
        first sheet picked with `sheet`, its footer ignored."""
        from sqlmodel import select

        from flows.collect import import_completions
        from lianjie.exports import Export, build_rows
        from models.db import session_for
        from models.facts import load_quarter
        from models.tables import EducationSession, Enrolment

        book = per_unit(tmp_path / "units.xlsx", rows)
        summary = import_roster.fn(
            run=run_settings(db_url),
            quarter=Quarter(2026, 4),
            roster=str(book),
            policy_file=None,
            as_of=AS_OF_CYCLE,
        )
        assert (93, 90, 3) == (summary.read, summary.accepted, summary.rejected)
        classify_cadres.fn(run=run_settings(db_url), quarter=Quarter(2026, 4), as_of=AS_OF_CYCLE)
        schedule_sessions.fn(run=run_settings(db_url), quarter=Quarter(2026, 4), as_of=AS_OF_CYCLE)
        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
            held = session.exec(
                select(EducationSession)
                .where(EducationSession.programme_code != "AD")  # a confidential one is counted
                .order_by(EducationSession.code)
            ).first()
            assert data is not None and held is not None
            people = session.exec(
                select(Enrolment.employee_id).where(Enrolment.session_code == held.code)
            ).all()
        exported = build_rows(Export.rejects, data, [], confidential=True, as_of=None)
        assert {"市委办公室"} == {r["sheet"] for r in exported}

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "签到表"
        merge_title(sheet, "党风廉政教育培训签到表", 6)
        sheet.append(["序号", "工号", "姓名", "场次编号", "参训情况", "成绩"])
        for number, who in enumerate(people, start=1):
            sheet.append([number, who, "某某", held.code, "已参加", 90])
        sheet.append(["经办人：王五", None, None, "日期：2026年11月10日"])
        other = workbook.create_sheet("上次的签到表")  # an old copy in the same workbook
        other.append(["工号", "场次编号", "参训情况"])
        other.append([people[0], held.code, "缺席"])
        signed = save(workbook, tmp_path / "signed.xlsx")
        collected = import_completions.fn(
            run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(signed), sheet="签到表"
        )
        assert (len(people), len(people), 0) == (
            collected.read,
            collected.accepted,
            collected.rejected,
        )
        assert [f"row {len(people) + 3} (footer): 经办人：王五  日期：2026年11月10日"] == (
            collected.ignored_lines
        )
