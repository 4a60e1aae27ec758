"""The column-by-column pass that spares a million rows the test for totals and repeated headers:
it may let through rows that are data, never miss one that is not."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from intake.completions import CONTRACT as COMPLETIONS
from intake.layout import turned
from intake.lines import maybe_not_data, not_data
from intake.roster import CONTRACT as ROSTER

# Pieces that come near a header or a total once `text` has cleaned them: names of columns
# spaced or split, zero-width and bidi characters, a compatibility ideograph (U+F9xx), case.
PIECES = [
    "工号",
    "工  号",
    "工\u200b号",
    "姓名",
    "Employee ID",
    "unit code",
    "UNIT-CODE",
    "处分/函询时间",
    "E-Mail",
    "合计",
    "合  计",
    "\u200e合计",
    "小计：",
    "Grand Total",
    "SUBTOTAL",
    "\uf900",  # 豈, which NFC maps to the unified 豈
    "e\u0301",
    "E000123",
    "王伟",
    "13800138000",
    "wang@example.cn",
    " ",
    "",
]
cells = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=3).map("".join),
    st.none(),
    st.integers(0, 99999),
    st.just(date(2024, 3, 1)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=12))
def test_every_total_and_repeated_header_is_a_suspect(rows: list[list[object]]) -> None:
    for contract in (ROSTER, COMPLETIONS):
        suspects = maybe_not_data(turned(rows), contract)  # type: ignore[arg-type]
        for index, row in enumerate(rows):
            if not_data(row, contract) is not None:  # type: ignore[arg-type]
                assert index in suspects, row


def test_rows_of_plain_data_are_not_suspects() -> None:
    """The point of the pass: a roster's rows of data are ruled out without the exact test."""
    rows = [
        ["E000123", "王伟", "U001", "市财政局", "科长", "13800138000", "wang@example.cn"],
        ["E000124", "李娜", "U001", "市财政局", "副科长", "13900139000", ""],
    ]
    assert set() == maybe_not_data(turned(rows), ROSTER)  # type: ignore[arg-type]


def test_the_exact_test_still_decides() -> None:
    """A suspect is only a row to look at: 合计 is a total, 工号/姓名 a header, 合作 neither."""
    rows = [["合  计", "", "90"], ["工号", "姓名", "x"], ["", "合作", "x"]]
    assert {0, 1, 2} == maybe_not_data(turned(rows), ROSTER)  # type: ignore[arg-type]
    assert ["total", "header", None] == [not_data(r, ROSTER) for r in rows]  # type: ignore[arg-type]


def test_a_header_read_only_once_cleaned_is_a_suspect() -> None:
    """A zero-width space in each name (pasted from a web page) is taken out by `text`."""
    rows = [["E000123", "王伟"], ["工\u200b号", "姓\u200b名"]]
    assert {1} == maybe_not_data(turned(rows), ROSTER)  # type: ignore[arg-type]
    assert "header" == not_data(rows[1], ROSTER)  # type: ignore[arg-type]


def test_a_header_repeated_in_english_capitals_is_a_suspect() -> None:
    """Cells holding a character no name holds (a digit, "@") are ruled out before they are
    casefolded; a name in capitals is not among them."""
    rows = [
        ["E000123", "王伟", "U001", "13800138000", "wang@example.cn"],
        ["EMPLOYEE_ID", "NAME", "UNIT CODE", "PHONE", "EMAIL"],
    ]
    assert {1} == maybe_not_data(turned(rows), ROSTER)  # type: ignore[arg-type]
    assert "header" == not_data(rows[1], ROSTER)  # type: ignore[arg-type]
