"""Hostile and broken files, each answered in bounded time and memory with one clear refusal
(or, for a sheet that only claims to be huge, read as the few rows it has)."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from core.domain import Quarter
from core.exceptions import UnreadableFileError
from intake.read import Limits, read_table

HEADER = ["工号", "姓名", "单位编码", "单位名称", "职务"]


def workbook(path: Path, rows: list[list[str]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows or [["E0001", "张伟", "U01", "市财政局", "科长"]]:
        sheet.append(row)
    book.save(path)
    return path


def with_sheet_xml(path: Path, xml: str) -> Path:
    """The workbook with its first sheet's XML replaced."""
    source = zipfile.ZipFile(path)
    out = path.with_name("hostile-" + path.name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = xml.encode()
            target.writestr(item, data)
    return out


SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{dimension}<sheetData>{rows}</sheetData></worksheet>"
)


def cell_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def read_bounded(path: Path, cpu_seconds: int = 30, memory_gib: int = 1) -> str:
    """read_table in a child process under an address-space limit and a CPU-time limit; returns
    what it printed: the rows read, or the refusal. The bound is CPU time, not the wall clock,
    so a loaded machine makes the test slower, never red."""
    script = (
        "import resource, sys; from pathlib import Path\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory_gib << 30}, {memory_gib << 30}))\n"
        f"resource.setrlimit(resource.RLIMIT_CPU, ({cpu_seconds}, {cpu_seconds}))\n"
        "from intake.read import read_table\n"
        "from core.exceptions import UnreadableFileError\n"
        "try:\n"
        "    table = read_table(Path(sys.argv[1]))\n"
        "    header, *rows = table.sheets[0].rows\n"
        "    print('rows', len(rows), 'columns', len([c for c in header[1] if c]))\n"
        "except UnreadableFileError as error:\n"
        "    print('refused', error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=1800,  # only a hung child; the CPU limit is the bound under test
        check=False,
    )
    assert 0 == done.returncode, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return done.stdout.strip()


def test_a_sheet_that_claims_every_cell_is_read_as_the_rows_it_has(tmp_path: Path) -> None:
    """A1:XFD1048576 declared, one cell in row 1,048,576: answered at once, small."""
    base = workbook(tmp_path / "r.xlsx")
    rows = cell_row(1, HEADER) + cell_row(2, ["E0001", "张伟", "U01", "市财政局", "科长"])
    rows += '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    hostile = with_sheet_xml(
        base, SHEET.format(dimension='<dimension ref="A1:XFD1048576"/>', rows=rows)
    )
    assert "rows 1 columns 5" == read_bounded(hostile)


def test_millions_of_empty_cells_stay_within_bounds(tmp_path: Path) -> None:
    """A small file of very many empty cells: bounded in time and memory, not 1.6 GB."""
    base = workbook(tmp_path / "r.xlsx")
    empty = "".join(
        f'<row r="{n}">' + "<c/>" * 2_000 + "</row>" for n in range(3, 2_503)
    )  # 5 million empty cells
    rows = cell_row(1, HEADER) + cell_row(2, ["E0001", "张伟", "U01", "市财政局", "科长"]) + empty
    hostile = with_sheet_xml(base, SHEET.format(dimension="", rows=rows))
    assert hostile.stat().st_size < 1_000_000
    answer = read_bounded(hostile)  # packed 600-fold: refused from the zip's directory now
    assert answer.startswith("rows 1 columns 5") or "unpacks to" in answer, answer


@pytest.mark.parametrize(
    ("xml", "why"),
    [
        ("<worksheet><sheetData><row r='1'>", "malformed"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            "<sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>&lol2;</t></is></c></row>"
            "</sheetData></worksheet>",
            "entities",
        ),
    ],
)
def test_broken_or_hostile_xml_is_refused_naming_the_file(
    xml: str, why: str, tmp_path: Path
) -> None:
    hostile = with_sheet_xml(workbook(tmp_path / "r.xlsx"), xml)
    with pytest.raises(UnreadableFileError, match=f"{hostile}: not a readable .xlsx workbook"):
        read_table(hostile)


def test_an_encrypted_workbook_is_refused_with_what_to_do(tmp_path: Path) -> None:
    encrypted = tmp_path / "roster.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    with pytest.raises(UnreadableFileError, match=r"encrypted or old-format .* without a password"):
        read_table(encrypted)
    with pytest.raises(UnreadableFileError, match=r"encrypted or old-format .* without a password"):
        read_table(encrypted, password="jijian-2026")  # an OLE file that is no workbook


def test_a_workbook_sealed_with_another_password_says_which_opens_it(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    clear = workbook(tmp_path / "clear.xlsx")
    sealed = tmp_path / "sealed.xlsx"
    with clear.open("rb") as source, sealed.open("wb") as out:
        OOXMLFile(source).encrypt("another", out)
    with pytest.raises(UnreadableFileError, match="LIANJIE_CONFIDENTIAL_PASSWORD does not open"):
        read_table(sealed, password="jijian-2026")
    assert read_table(sealed, password="another").sheets


def test_limits_refuse_a_file_too_large_too_long_or_too_wide(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "r.xlsx", [[f"E{n}", "张伟", "U01", "市财政局", "科长"] for n in range(30)]
    )
    with pytest.raises(UnreadableFileError, match=r"more than 20 rows.*LIANJIE_MAX_ROWS"):
        read_table(path, limits=Limits(rows=20))
    with pytest.raises(UnreadableFileError, match=r"5 columns .* limit of 4 .*LIANJIE_MAX_COLUMNS"):
        read_table(path, limits=Limits(columns=4))
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" + b"x,y\n" * 300_000)
    with pytest.raises(UnreadableFileError, match=r"over the limit of 1 MB .*LIANJIE_MAX_FILE_MB"):
        read_table(big, limits=Limits(file_mb=1))


def test_text_hygiene_at_intake(tmp_path: Path) -> None:
    """NFC; control, bidi and zero-width characters gone; every export format takes the rest."""
    from harness.factories import roster_row, write_roster
    from intake.roster import parse_roster
    from lianjie.exports import Export, Format, serialise

    rows = [
        roster_row(1, 姓名="Wa\u202eng\x0b"),  # a right-to-left override, Word's line break
        roster_row(2, 姓名="\x1b[31m王\u200b五", 职务="cafe\u0301主任"),
    ]
    result = parse_roster(read_table(write_roster(tmp_path / "r.csv", rows)))
    assert ["Wang", "[31m王五"] == [c.name for c in result.accepted]
    assert "café主任" == result.accepted[1].post
    exported = [{"employee_id": c.employee_id, "name": c.name} for c in result.accepted]
    for fmt in Format:
        serialise(Export.tracks, exported, fmt)  # an XLSX refuses \x0b: none is left


def test_cells_longer_than_their_column_allows_reject_the_row(tmp_path: Path) -> None:
    from harness.factories import roster_row, write_roster
    from intake.roster import parse_roster

    rows = [
        roster_row(1, 姓名="A" * 20_000),
        roster_row(2, 职务="处" * 129),
        roster_row(3, 单位编码="U 01/财务"),
        roster_row(4),
    ]
    result = parse_roster(read_table(write_roster(tmp_path / "r.csv", rows)))
    assert ["E0004"] == [c.employee_id for c in result.accepted]
    reasons = {r.row: (r.column, r.code) for r in result.rejects}
    assert ("name", "too_long") == reasons[2]
    assert ("post", "too_long") == reasons[3]
    assert ("unit_code", "bad_code") == reasons[4]
    assert "20000 characters, over the 64 this column allows" in result.rejects[0].reason


def test_report_file_names_are_unique_per_unit() -> None:
    from reports.render import unit_file_names

    long_a, long_b = "U" * 119 + "A", "U" * 119 + "B"
    codes = [long_a, long_b, "u01", "U01", "summary", "U0001"]
    names = unit_file_names(Quarter(2026, 4), codes, "zh")
    assert len(set(names.values())) == len(codes)
    assert len({n.casefold() for n in names.values()}) == len(codes)
    assert "2026Q4-summary-zh.pdf" not in names.values()
    assert "2026Q4-U0001-zh.pdf" == names["U0001"]  # ordinary codes keep their plain names
    assert all(len(n) <= 120 for n in names.values())


def tree_digest(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(("-shm", ".lock"))  # the run lock: empty
    }


@pytest.mark.slow
def test_hostile_files_through_the_command_line(tmp_path: Path, prefect_harness: str) -> None:
    """Each hostile or broken roster, given to `lianjie cycle` as a clerk would, under a 1 GiB
    address-space limit and a 30 s timeout: exit 2, one line on stderr naming the file, no
    traceback, and the quarter already stored unchanged. On SQLite alone: the file is refused
    before the database is opened, and a SQLite database is a file the digest below covers."""
    import resource

    from harness.pipeline import run_cycle, write_city

    db_url = os.environ["LIANJIE_DATABASE_URL"]
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    data = Path(os.environ["LIANJIE_DATA_DIR"])
    base = workbook(tmp_path / "base.xlsx")
    malformed = with_sheet_xml(base, "<worksheet><sheetData><row r='1'>")
    encrypted = tmp_path / "encrypted.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{n}" for n in range(300)) + "\n", encoding="utf-8")
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,b\n" + b"x,y\n" * 400_000)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    for roster, setting in [
        (malformed, {}),
        (encrypted, {}),
        (wide, {}),
        (big, {"LIANJIE_MAX_FILE_MB": "1"}),
    ]:
        before = tree_digest(data)
        done = subprocess.run(
            [sys.executable, "-m", "lianjie.cli", "cycle", "-q", "2026Q4", "--roster", str(roster)],
            env=os.environ | {"PREFECT_API_URL": prefect_harness} | setting,
            preexec_fn=limit,
            capture_output=True,
            text=True,
            timeout=600,  # only a hung command; the limits under test are memory and size
            check=False,
        )
        assert 2 == done.returncode, (roster.name, done.stderr[-1500:])
        lines = done.stderr.strip().splitlines()
        assert 1 == len(lines) and lines[0].startswith(f"lianjie: {roster}"), done.stderr
        assert "Traceback" not in done.stderr
        assert before == tree_digest(data), f"{roster.name} changed the data folder"


def with_part(path: Path, name: str, change: Callable[[str], str]) -> Path:
    """The workbook with one XML part rewritten (added, from an empty <sst>, if missing)."""
    source = zipfile.ZipFile(path)
    out = path.with_name("changed-" + path.name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == name:
                data = change(data.decode()).encode()
            target.writestr(item, data)
        if name not in source.namelist():
            target.writestr(name, change("<sst></sst>"))
    return out


@pytest.mark.parametrize(
    ("part", "change"),
    [
        (
            "xl/worksheets/sheet1.xml",
            lambda x: x.replace("</worksheet>", "<extLst><ext/></extLst></worksheet>"),
        ),
        ("xl/workbook.xml", lambda x: x.replace('sheetId="1"', 'sheetId="x"')),
    ],
    ids=["empty-ext", "sheet-id-not-a-number"],
)
def test_a_workbook_the_reader_chokes_on_is_one_line(
    tmp_path: Path, part: str, change: Callable[[str], str]
) -> None:
    """Issue 41: these exited 1 with a TypeError traceback. Whatever the reader raises, the
    answer is "not a readable .xlsx workbook" in one line."""
    broken = with_part(workbook(tmp_path / "book.xlsx"), part, change)
    with pytest.raises(UnreadableFileError, match=r"not a readable \.xlsx workbook") as refused:
        read_table(broken)
    assert 1 == len(str(refused.value).splitlines())


def test_a_bad_file_in_the_drop_folder_is_set_aside_and_the_rest_go_in(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: str
) -> None:
    """Issue 41: a broken workbook, a FIFO or a folder named c.csv in the drop folder failed
    the daily collect after the good files, the make-ups never ran, and it failed again every
    day. Now each is moved to rejected/ with its reason beside it, and the rest go in."""
    from flows.collect import collect_completions
    from harness.pipeline import run_cycle, write_city
    from lianjie.synthetic import COMPLETION_HEADER, write_csv
    from models.db import session_for
    from models.facts import load_quarter

    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
    assert data is not None
    code, who, _ = data.enrolments[0]
    drop = tmp_path / "drop"
    drop.mkdir()
    write_csv(drop / "good.csv", COMPLETION_HEADER, [[who, code, "", "", "缺席", "", "0"]])
    (drop / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    os.mkfifo(drop / "pipe.csv")
    (drop / "folder.csv").mkdir()
    monkeypatch.setenv("LIANJIE_DROP_DIR", str(drop))
    summary = collect_completions.fn(quarter="2026Q4", as_of="2026-10-30")
    assert 1 == summary.accepted
    bad = {"broken.xlsx", "pipe.csv", "folder.csv"}
    assert bad == {Path(f.source).name for f in summary.skipped}
    rejected = drop / "rejected"
    assert bad <= {p.name for p in rejected.iterdir()}
    reason = (rejected / "broken.xlsx.reason.txt").read_text(encoding="utf-8")
    assert "not a readable .xlsx workbook" in reason
    assert summary.makeups["booked"] >= 1, "the make-ups were booked after the bad files"
    again = collect_completions.fn(quarter="2026Q4", as_of="2026-10-30")
    assert [] == again.skipped


class TestSmallFilesThatAskForMuch:
    """Issue 41: small files that exhausted memory. Each is now answered within 1 GiB and 30 s
    (read_bounded), refused in one line before the reader loads it."""

    def test_a_line_of_five_million_commas(self, tmp_path: Path) -> None:
        """1.68 GiB before: a dict per column was made before the column limit was checked."""
        path = tmp_path / "commas.csv"
        path.write_text(",".join(HEADER) + "\n" + "," * 5_000_000 + "\n", encoding="utf-8")
        answer = read_bounded(path)
        assert answer.startswith("rows") or answer.startswith("refused"), answer

    @pytest.mark.parametrize(
        ("part", "body"),
        [
            ("xl/sharedStrings.xml", "<si><t>x</t></si>" * 4_000_000),
            ("xl/styles.xml", '<xf numFmtId="0" fontId="0"/>' * 2_000_000),
        ],
        ids=["shared-strings", "cell-styles"],
    )
    def test_a_part_that_unpacks_to_hundreds_of_times_its_size(
        self, tmp_path: Path, part: str, body: str
    ) -> None:
        book = workbook(tmp_path / "book.xlsx")
        bomb = with_part(
            book, part, lambda xml: xml[: xml.rfind("<")] + body + xml[xml.rfind("<") :]
        )
        assert bomb.stat().st_size < 2_000_000
        answer = read_bounded(bomb)
        assert answer.startswith("refused") and "unpacks to" in answer, answer

    def test_merged_ranges_by_the_million(self, tmp_path: Path) -> None:
        cells = "".join(f'<mergeCell ref="A{n}:B{n}"/>' for n in range(3, 1_000_003))
        xml = SHEET.format(dimension="", rows=cell_row(1, HEADER)).replace(
            "</worksheet>", f'<mergeCells count="1000000">{cells}</mergeCells></worksheet>'
        )
        bomb = with_sheet_xml(workbook(tmp_path / "m.xlsx"), xml)
        assert "rows 0 columns 5" == read_bounded(bomb)  # merged ranges are never loaded

    def test_ten_thousand_visible_sheets(self, tmp_path: Path) -> None:
        book = Workbook()
        for n in range(2_000):
            book.create_sheet(f"S{n}")
        path = tmp_path / "sheets.xlsx"
        book.save(path)
        answer = read_bounded(path)
        assert answer.startswith("refused") and "sheets" in answer, answer

    @pytest.mark.parametrize(
        ("part", "expected"),
        [
            ("xl/worksheets/sheet1.xml", "refused"),
            ("xl/sharedStrings.xml", "rows 1 columns 5"),  # a part no sheet uses: never read
        ],
    )
    def test_a_part_whose_declared_size_lies(
        self, tmp_path: Path, part: str, expected: str
    ) -> None:
        """The zip's directory is what the first check reads: a part that declares 1 KB and
        unpacks to 200 MB passes it. The reader unpacks no more than a part declares and the
        checksum then fails, so it is an unreadable workbook, within the bounds."""
        book = workbook(tmp_path / "book.xlsx")
        filler = "<si><t>x</t></si>" if part.endswith("sharedStrings.xml") else "<row/>"
        bomb = with_part(
            book,
            part,
            lambda xml: xml[: xml.rfind("<")] + filler * 12_000_000 + xml[xml.rfind("<") :],
        )
        data = bytearray(bomb.read_bytes())
        name = part.encode()
        for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = data.find(signature)
            while at >= 0:
                name_at = at + (30 if signature == b"PK\x03\x04" else 46)
                if data[name_at : name_at + len(name)] == name:
                    struct.pack_into("<I", data, at + size_at, 1024)
                at = data.find(signature, at + 4)
        bomb.write_bytes(bytes(data))
        assert 1024 == zipfile.ZipFile(bomb).getinfo(part).file_size
        answer = read_bounded(bomb)
        assert answer.startswith(expected), answer
        if expected == "refused":
            assert "not a readable .xlsx workbook" in answer and "CRC" in answer, answer
