"""A CSV file's encoding is detected among UTF-8, GB18030 and Big5, or the file is refused."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from core.exceptions import UnreadableFileError
from harness.factories import roster_row, write_roster
from intake.read import read_table
from intake.roster import parse_roster

SIMPLIFIED = {"姓名": "欧阳娜娜", "单位名称": "市财政局", "职务": "综合科科长"}
TRADITIONAL = (
    "employee_id,name,unit_code,unit_name,post\n"
    "E1,陳建國,U1,臺北市政府,局長\n"
    "E2,林美華,U2,中華民國財政部,處長\n"
)


def people(path: Path) -> list[tuple[str, str, str]]:
    return [(c.name, c.unit_name, c.post) for c in parse_roster(read_table(path)).accepted]


class TestDetected:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
    def test_utf8_with_or_without_bom(self, tmp_path: Path, encoding: str) -> None:
        """UTF-8 reads the same whether Excel put a BOM in front or not."""
        path = write_roster(tmp_path / "r.csv", [roster_row(1, **SIMPLIFIED)], encoding=encoding)
        assert (encoding == "utf-8-sig") == path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert [("欧阳娜娜", "市财政局", "综合科科长")] == people(path)

    def test_gb18030_simplified_roster(self, tmp_path: Path) -> None:
        """A mainland roster saved by Excel in GB18030 reads as the simplified text it is."""
        path = write_roster(
            tmp_path / "r.csv",
            [roster_row(1, **SIMPLIFIED), roster_row(2, 姓名="赵敏", 单位名称="市教育局")],
            encoding="gb18030",
        )
        expected = [("欧阳娜娜", "市财政局", "综合科科长"), ("赵敏", "市教育局", "财务科科长")]
        assert expected == people(path)

    def test_big5_traditional_roster_is_not_read_as_gb18030(self, tmp_path: Path) -> None:
        """GB18030 decodes these bytes too, as nonsense (中華民國 as い地チ瓣): Big5 is chosen."""
        path = tmp_path / "hk.csv"
        path.write_bytes(TRADITIONAL.encode("big5"))
        expected = [("陳建國", "臺北市政府", "局長"), ("林美華", "中華民國財政部", "處長")]
        assert expected == people(path)


class TestRefused:
    def test_random_bytes_name_the_encodings_tried(self, tmp_path: Path) -> None:
        """Bytes that are no text: one clear error saying which encodings were tried."""
        noise = random.Random(20261001).randbytes(4096)
        path = tmp_path / "noise.csv"
        path.write_bytes(noise)
        with pytest.raises(UnreadableFileError) as refused:
            read_table(path)
        assert f"{path}: not a text file in a known encoding" in str(refused.value)
        assert "UTF-8, GB18030 and Big5" in str(refused.value)

    def test_a_western_encoding_is_refused_not_read_as_chinese_nonsense(
        self, tmp_path: Path
    ) -> None:
        """Latin-1 bytes decode as GB18030 (Müller as M黮ler), but not confidently: refused."""
        path = tmp_path / "latin.csv"
        path.write_bytes("employee_id,name\nE1,Müller\nE2,Renée Köhler\n".encode("latin-1"))
        with pytest.raises(UnreadableFileError, match="UTF-8, GB18030 and Big5"):
            read_table(path)


class TestReadAsItGoes:
    def test_a_value_repeated_in_its_column_is_held_once(self, tmp_path: Path) -> None:
        """A unit on every row is one string in memory (a million rows fit), each row's own
        values stay their own, and a short row keeps its cells."""
        path = tmp_path / "roster.csv"
        lines = ["employee_id,name,unit_code", *(f"E{i},张{i},U1" for i in range(50)), "E99"]
        path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
        [sheet] = read_table(path).sheets
        units = {id(cells[2]) for _, cells in sheet.rows[1:-1]}
        assert 1 == len(units)
        assert ["E1", "张1", "U1"] == sheet.rows[2][1]
        assert (52, ["E99"]) == sheet.rows[-1]
