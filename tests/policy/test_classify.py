"""Who is on which track and why: every track, every boundary."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain import DisciplineStatus, LeadershipRole, Rank, Track
from harness.factories import cadre
from policy.classify import classify, classify_all, months_before
from policy.config import Policy

AS_OF = date(2026, 10, 1)


def tracks(policy: Policy, **overrides: object) -> set[Track]:
    return {a.track for a in classify(cadre(**overrides), policy, AS_OF)}


class TestTracks:
    def test_ordinary_section_chief_is_in_office_only(self, policy: Policy) -> None:
        """A section chief in an ordinary unit, long in post, is on in_office alone."""
        assert {Track.in_office} == tracks(policy)

    def test_top_leader_of_a_finance_bureau_just_appointed(self, policy: Policy) -> None:
        """The spec's example: top_leader, in_office, newly_promoted and key_area at once."""
        assert {Track.top_leader, Track.in_office, Track.newly_promoted, Track.key_area} == tracks(
            policy,
            leadership_role=LeadershipRole.top_leader,
            rank=Rank.division,
            unit_name="市财政局",
            post="党组书记、局长",
            appointed_on=date(2026, 7, 15),
        )

    def test_team_member_reason_names_their_units(self, policy: Policy) -> None:
        """Team members answer for the units in their charge, and the reason says which."""
        [member] = [
            a
            for a in classify(
                cadre(leadership_role=LeadershipRole.team_member, in_charge_of=("U02", "U03")),
                policy,
                AS_OF,
            )
            if a.track is Track.team_member
        ]
        assert "U02, U03" in member.reason

    def test_staff_are_not_leading_cadres(self, policy: Policy) -> None:
        """A staff member with no leadership role is on no leading-cadre track."""
        assert set() == tracks(policy, rank=Rank.staff, post="科员")

    def test_reserve(self, policy: Policy) -> None:
        """Reserve cadres get basic integrity education even as staff."""
        assert {Track.reserve} == tracks(policy, rank=Rank.staff, post="科员", reserve_cadre=True)

    @pytest.mark.parametrize(
        ("rank", "party", "expected"),
        [
            (Rank.section, False, True),
            (Rank.division, False, True),
            (Rank.staff, False, False),
            (Rank.section, True, False),
            (Rank.section, None, False),
        ],
    )
    def test_non_party_only_for_leading_cadres(
        self, policy: Policy, rank: Rank, party: bool | None, expected: bool
    ) -> None:
        """non_party needs both: not a party member, and a leading cadre."""
        assert expected == (Track.non_party in tracks(policy, rank=rank, party_member=party))


class TestWindows:
    @pytest.mark.parametrize(
        ("appointed", "expected"),
        [
            (date(2026, 10, 1), True),  # appointed on the as-of date
            (date(2025, 10, 2), True),  # one day inside twelve months
            (date(2025, 10, 1), False),  # exactly twelve months: no longer new
            (date(2026, 10, 2), False),  # a future appointment is not yet in post
        ],
    )
    def test_newly_promoted_window_edges(
        self, policy: Policy, appointed: date, expected: bool
    ) -> None:
        """Newly promoted means appointed within the 12 months up to the as-of date."""
        assert expected == (Track.newly_promoted in tracks(policy, appointed_on=appointed))

    def test_reason_shows_the_dates(self, policy: Policy) -> None:
        """The reason is readable: the date, the window and the as-of date."""
        [reason] = [
            a.reason
            for a in classify(cadre(appointed_on=date(2026, 7, 15)), policy, AS_OF)
            if a.track is Track.newly_promoted
        ]
        assert "appointed 2026-07-15, within 12 months of 2026-10-01" == reason

    @pytest.mark.parametrize(
        ("status", "on", "expected"),
        [
            (DisciplineStatus.signs, date(2020, 1, 1), True),
            (DisciplineStatus.signs, None, True),
            (DisciplineStatus.disciplined, date(2025, 1, 1), True),
            (DisciplineStatus.disciplined, date(2024, 10, 2), True),
            (DisciplineStatus.disciplined, date(2024, 10, 1), False),
            (DisciplineStatus.disciplined, None, True),
            (DisciplineStatus.none, date(2026, 1, 1), False),
        ],
    )
    def test_admonition(
        self, policy: Policy, status: DisciplineStatus, on: date | None, expected: bool
    ) -> None:
        """Signs always; disciplined within 24 months (or with no date given)."""
        assert expected == (
            Track.admonition in tracks(policy, discipline_status=status, discipline_on=on)
        )

    def test_months_before_clamps_to_month_end(self) -> None:
        """31 March minus a month is the last day of February."""
        assert date(2026, 2, 28) == months_before(date(2026, 3, 31), 1)
        assert date(2024, 2, 29) == months_before(date(2024, 3, 31), 1)
        assert date(2025, 10, 1) == months_before(date(2026, 10, 1), 12)


class TestKeyAreas:
    @pytest.mark.parametrize(
        ("unit", "post", "key_post", "expected"),
        [
            ("市财政局", "预算科科长", None, True),  # money unit, chief post
            ("市教育局", "财务科科长", None, True),  # post itself handles money
            ("市教育局", "综合科科长", None, False),  # neither
            ("市财政局", "科员", None, False),  # key-area unit, but not a key post
            ("市委组织部", "干部科科长", None, True),  # people
            ("市行政审批服务局", "副局长", None, True),  # affairs
            ("市教育局", "综合科科长", True, True),  # the roster says so: it wins
            ("市财政局", "预算科科长", False, False),  # the roster says no: it wins
        ],
    )
    def test_key_posts(
        self, policy: Policy, unit: str, post: str, key_post: bool | None, expected: bool
    ) -> None:
        """key_post from the roster wins; otherwise the unit's area and the post decide."""
        assert expected == (
            Track.key_area in tracks(policy, unit_name=unit, post=post, key_post=key_post)
        )


class TestProperties:
    @given(st.permutations(range(6)))
    @settings(max_examples=30, deadline=None)
    def test_row_order_never_matters(self, order: list[int]) -> None:
        """Classifying a roster gives the same assignments in whatever order its rows come."""
        from policy.config import load_policy

        policy = load_policy().policy
        people = [
            cadre(employee_id="E1", leadership_role=LeadershipRole.top_leader),
            cadre(employee_id="E2", reserve_cadre=True, rank=Rank.staff),
            cadre(employee_id="E3", party_member=False),
            cadre(employee_id="E4", unit_name="市审计局", post="审计科科长"),
            cadre(employee_id="E5", discipline_status=DisciplineStatus.signs),
            cadre(employee_id="E6", appointed_on=date(2026, 9, 1)),
        ]
        expected = classify_all(people, policy, AS_OF)
        assert expected == classify_all([people[i] for i in order], policy, AS_OF)

    def test_a_post_judged_once_answers_as_each_cadre_alone(self, policy: Policy) -> None:
        """classify_all keeps each unit and post's key-post reason for the next cadre in that
        post; the roster's own yes or no still wins for the cadre who has one."""
        people = [
            cadre(employee_id=f"E{n}", unit_name=unit, post=post, key_post=key_post)
            for n, (unit, post, key_post) in enumerate(
                [
                    ("市财政局", "预算科科长", None),
                    ("市财政局", "预算科科长", False),
                    ("市财政局", "预算科科长", None),
                    ("市教育局", "预算科科长", None),
                    ("市教育局", "综合科科长", True),
                    ("市教育局", "综合科科长", None),
                ]
            )
        ]
        alone = sorted(
            (a for person in people for a in classify(person, policy, AS_OF)),
            key=lambda a: a.employee_id,
        )
        assert alone == classify_all(people, policy, AS_OF)
        assert [a.employee_id for a in alone if a.track is Track.key_area] == ["E0", "E2", "E4"]


def test_key_areas_are_named_in_one_order(policy: Policy) -> None:
    """Issue 38: one mailing said 管事、管钱 to one person and 管钱、管事 to another. The areas
    follow the policy's order (money, affairs, people), whichever name gave which."""
    from policy.classify import own_key_areas

    approving_finance = cadre(unit_name="市行政审批服务局", post="财务股股长")
    financing_approval = cadre(unit_name="市财政局", post="审批科科长")
    assert "管钱、管事" == own_key_areas(approving_finance, policy, "zh")
    assert "管钱、管事" == own_key_areas(financing_approval, policy, "zh")
    assert "money, affairs" == own_key_areas(approving_finance, policy, "en")
