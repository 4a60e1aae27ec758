"""The family-contacts file (issue 44, item 1): read like every office file, a row per family
member; bad rows rejected with their row and reason, the good ones kept."""

from __future__ import annotations

from pathlib import Path

from intake.families import parse_families
from intake.read import read_table

HEADER = ["工号", "家属姓名", "关系", "手机", "邮箱", "同意接收"]


def write(folder: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path = folder / "families.csv"
    lines = [",".join(HEADER), *(",".join(r) for r in rows)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_good_rows_go_in_and_bad_rows_say_why(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            ["E1", "张丽", "配偶", "139 0000 0001", "zl@family.example.cn", "是"],
            ["E2", "王强", "配偶", "+8613900000002", "", "同意"],
            ["E3", "刘芳", "配偶", "", "", "否"],  # not consenting: no contact needed
            ["E9", "某某", "配偶", "13900000009", "", "是"],  # not on the roster
            ["E4", "", "母亲", "13900000004", "", "是"],  # no name
            ["E5", "赵敏", "配偶", "12345", "", "是"],  # not a mobile number
            ["E6", "孙丽", "配偶", "", "", "是"],  # agrees, but how to reach her?
            ["E7", "李娜", "配偶", "13900000007", "", ""],  # consent not given
        ],
        encoding="gb18030",
    )
    result = parse_families(
        read_table(path), cadres=frozenset({"E1", "E2", "E3", "E4", "E5", "E6", "E7"})
    )
    assert [(c.employee_id, c.phone, c.consent) for c in result.accepted] == [
        ("E1", "13900000001", True),
        ("E2", "13900000002", True),
        ("E3", None, False),
    ]
    assert [(r.row, r.column, r.code) for r in result.rejects] == [
        (5, "employee_id", "unknown_cadre"),
        (6, "name", "required"),
        (7, "phone", "not_mobile"),
        (8, "phone", "no_family_contact"),
        (9, "consent", "required"),
    ]
    assert result.read == len(result.accepted) + len(result.rejects)
    # a rejected row names no family member: no cells, no value quoted in its reason
    assert all(r.values == {} for r in result.rejects)
    assert "12345" not in " ".join(r.reason for r in result.rejects)
    assert "no cadre E9 on this quarter's roster" in [r.reason for r in result.rejects]


def test_the_same_family_member_twice_is_the_later_row(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            ["E1", "张丽", "配偶", "13900000001", "", "是"],
            ["E1", "张丽", "配偶", "13900000001", "", "否"],  # she changed her mind
        ],
    )
    result = parse_families(read_table(path), cadres=frozenset({"E1"}))
    assert [(c.name, c.consent) for c in result.accepted] == [("张丽", False)]
    assert result.read == 1
