"""The value rules of the roster and completion contracts."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from core.domain import DisciplineStatus, LeadershipRole, Rank
from intake.values import (
    DISCIPLINE_STATUSES,
    LEADERSHIP_ROLES,
    RANKS,
    parse_choice,
    parse_date,
    parse_email,
    parse_number,
    parse_optional_choice,
    parse_party_member,
    parse_phone,
    parse_unit_codes,
    parse_yes_no,
)


class TestDates:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("2024-03-01", date(2024, 3, 1)),
            ("2024/3/1", date(2024, 3, 1)),
            ("2024.03", date(2024, 3, 1)),
            ("2024年3月", date(2024, 3, 1)),
            ("2024年3月1日", date(2024, 3, 1)),
            ("45352", date(2024, 3, 1)),
            (45352.0, date(2024, 3, 1)),
            (datetime(2024, 3, 1, 0, 0), date(2024, 3, 1)),
            (date(2024, 3, 1), date(2024, 3, 1)),
            ("", None),
            (None, None),
        ],
    )
    def test_every_form_of_the_contract_is_read(self, given: object, expected: date | None) -> None:
        """Each date form the roster contract lists gives the same day."""
        assert expected == parse_date(given)  # type: ignore[arg-type]

    @pytest.mark.parametrize("given", ["2024-13-01", "2024-02-30", "next week", "3/1/2024"])
    def test_unreadable_dates_are_refused_with_the_accepted_forms(self, given: str) -> None:
        """A date that cannot be read says how to write one."""
        with pytest.raises(ValueError, match="not a date"):
            parse_date(given)


class TestYesNo:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("yes", True),
            ("YES", True),
            ("是", True),
            ("true", True),
            ("1", True),
            (1, True),
            ("no", False),
            ("否", False),
            ("false", False),
            ("0", False),
            ("", None),
        ],
    )
    def test_words(self, given: object, expected: bool | None) -> None:
        """yes/no words in both languages and 1/0."""
        assert expected == parse_yes_no(given)  # type: ignore[arg-type]

    def test_other_words_are_refused(self) -> None:
        """A word that is neither yes nor no is an error, not a silent no."""
        with pytest.raises(ValueError, match="not yes or no"):
            parse_yes_no("maybe")

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("中共党员", True),
            ("中共预备党员", True),
            ("群众", False),
            ("民盟盟员", False),
            ("无党派人士", False),
            ("是", True),
            ("否", False),
            ("", None),
        ],
    )
    def test_political_status_means_party_membership(
        self, given: str, expected: bool | None
    ) -> None:
        """Only CPC members and probationary members count as party members."""
        assert expected == parse_party_member(given)


class TestChoices:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("bureau", Rank.bureau),
            ("厅局级", Rank.bureau),
            ("县处级", Rank.division),
            ("division", Rank.division),
            ("乡科级", Rank.section),
            ("一般干部", Rank.staff),
            ("Staff", Rank.staff),
        ],
    )
    def test_ranks(self, given: str, expected: Rank) -> None:
        """Ranks in English or Chinese."""
        assert expected == parse_optional_choice(given, RANKS)

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("一把手", LeadershipRole.top_leader),
            ("主要负责人", LeadershipRole.top_leader),
            ("党组书记", LeadershipRole.top_leader),
            ("班子成员", LeadershipRole.team_member),
            ("副职", LeadershipRole.team_member),
            ("无", LeadershipRole.none),
            ("", LeadershipRole.none),
            ("top_leader", LeadershipRole.top_leader),
        ],
    )
    def test_leadership_roles(self, given: str, expected: LeadershipRole) -> None:
        """Leadership roles, with none as the default."""
        assert expected == parse_choice(given, LEADERSHIP_ROLES, LeadershipRole.none)

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("苗头性倾向性问题", DisciplineStatus.signs),
            ("谈话函询", DisciplineStatus.signs),
            ("提醒谈话", DisciplineStatus.signs),
            ("受处分", DisciplineStatus.disciplined),
            ("无", DisciplineStatus.none),
            ("", DisciplineStatus.none),
        ],
    )
    def test_discipline_statuses(self, given: str, expected: DisciplineStatus) -> None:
        """Discipline statuses as organisation departments write them."""
        assert expected == parse_choice(given, DISCIPLINE_STATUSES, DisciplineStatus.none)

    def test_unknown_value_lists_the_accepted_ones(self) -> None:
        """An unknown enum value names what is accepted."""
        with pytest.raises(ValueError, match="厅局级"):
            parse_optional_choice("副部级", RANKS)


class TestContacts:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("13800138000", "13800138000"),
            ("138 0013 8000", "13800138000"),
            ("138-0013-8000", "13800138000"),
            ("+86 138 0013 8000", "13800138000"),
            ("+8613800138000", "13800138000"),
            ("8613800138000", "13800138000"),
            (13800138000, "13800138000"),
            ("", None),
        ],
    )
    def test_mobile_numbers_are_normalised(self, given: object, expected: str | None) -> None:
        """Spaces, dashes and +86 are stripped."""
        assert expected == parse_phone(given)  # type: ignore[arg-type]

    @pytest.mark.parametrize("given", ["1380013800", "12800138000", "010-12345678", "phone"])
    def test_non_mobile_numbers_are_refused(self, given: str) -> None:
        """Ten digits, a 12x prefix or a landline are not mainland mobiles."""
        with pytest.raises(ValueError, match="mobile"):
            parse_phone(given)

    def test_email(self) -> None:
        """An address is kept; a non-address is refused."""
        assert "a.b@example.cn" == parse_email(" a.b@example.cn ")
        with pytest.raises(ValueError):
            parse_email("not an address")

    def test_unit_codes_split_on_every_separator(self) -> None:
        """; ； , and 、 all separate unit codes."""
        assert ("A", "B", "C", "D", "E") == parse_unit_codes("A;B；C,D、 E")


class TestNumbers:
    def test_bounds(self) -> None:
        """Scores are 0–100 and hours at least 0."""
        assert 85.5 == parse_number("85.5", low=0, high=100)
        with pytest.raises(ValueError, match="out of range"):
            parse_number("120", low=0, high=100)
        with pytest.raises(ValueError, match="out of range"):
            parse_number("-1", low=0)
        with pytest.raises(ValueError, match="not a number"):
            parse_number("good", low=0)


class TestEmployeeIdsAsPeopleReadThem:
    """Issue 41: Ｅ000001, Е000001 (Cyrillic), E０００００１ and e000001 were accepted beside
    E000001 as four new cadres: seven top leaders instead of three, 25 messages to one phone."""

    @pytest.mark.parametrize("written", ["Ｅ000001", "E０００００１", "e000001", " E000001 "])
    def test_full_width_and_case_are_the_same_id(self, written: str) -> None:
        from intake.values import parse_employee_id

        assert "E000001" == parse_employee_id(written)

    @pytest.mark.parametrize("written", ["Е000001", "Ε000001", "E00000１a中"])
    def test_letters_of_another_script_are_refused(self, written: str) -> None:
        from intake.reasons import Broken
        from intake.values import parse_employee_id

        with pytest.raises(Broken) as refused:
            parse_employee_id(written)
        assert "id_not_latin" == refused.value.code

    def test_a_roster_with_look_alikes_has_one_cadre_and_says_why(self, tmp_path: Path) -> None:
        from harness.factories import ROSTER_HEADER, roster_row
        from intake.read import read_table
        from intake.roster import parse_roster

        rows = [roster_row(1)] + [
            roster_row(1, 工号=written) for written in ("Ｅ0001", "E０００１", "e0001", "Е0001")
        ]
        path = tmp_path / "roster.csv"
        path.write_text(
            "\n".join(",".join(r) for r in [ROSTER_HEADER, *rows]) + "\n", encoding="utf-8"
        )
        result = parse_roster(read_table(path))
        assert ["E0001"] == [c.employee_id for c in result.accepted]
        assert ["duplicate", "duplicate", "duplicate", "id_not_latin"] == [
            r.code for r in result.rejects
        ]
