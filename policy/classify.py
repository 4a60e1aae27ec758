"""Who is on which track and why: a pure function of the cadre, the policy and the as-of date."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from core.domain import (
    CadreRecord,
    DisciplineStatus,
    LeadershipRole,
    Track,
    TrackAssignment,
)
from policy.config import Policy

TRACK_ORDER = {track: position for position, track in enumerate(Track)}


# Each reason's English text (logs, exports); documents word it from the code, in their language.
REASONS = {
    "top_leader": "leadership role top_leader ({post})",
    "team_member": "leadership role team_member, in charge of {units}",
    "team_member_no_units": "leadership role team_member, in charge of no units listed",
    "in_office_role": "leading cadre in post: leadership role {role}",
    "in_office_rank": "leading cadre in post: rank {rank}",
    "appointed": "appointed {on}, within {months} months of {as_of}",
    "reserve": "reserve cadre",
    "signs": "signs of violating discipline",
    "signs_since": "signs of violating discipline since {on}",
    "disciplined": "disciplined {on}, within {months} months of {as_of}",
    "disciplined_undated": "disciplined (date not given, so treated as recent)",
    "non_party_role": "not a party member and a leading cadre (leadership role {role})",
    "non_party_rank": "not a party member and a leading cadre (rank {rank})",
    "key_post_roster": "key post per roster",
    # what makes a leading cadre, inside the in_office and non_party reasons
    "role": "leadership role {role}",
    "rank": "rank {rank}",
    "post_handles": "post {post} handles {areas}",
    "post_in_unit": "post {post} in a {areas} key-area unit ({unit})",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a cadre is on a track: a code of REASONS and the values its words name."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return REASONS[self.code].format(**dict(self.params))


def because(code: str, **params: object) -> Reason:
    return Reason(code, tuple((name, str(value)) for name, value in params.items()))


def classify(
    cadre: CadreRecord,
    policy: Policy,
    as_of: date,
    *,
    posts: dict[tuple[str, str], Reason | None] | None = None,
) -> list[TrackAssignment]:
    """Every track the cadre is on at `as_of`, each with the rule and the values that matched.
    `posts` keeps each unit and post's key-post reason for the next cadre in the same post."""
    found: list[tuple[Track, Reason]] = []
    leading = leading_reason(cadre, policy)

    if cadre.leadership_role is LeadershipRole.top_leader:
        found.append((Track.top_leader, because("top_leader", post=cadre.post)))
    if cadre.leadership_role is LeadershipRole.team_member:
        charge = ", ".join(cadre.in_charge_of)
        found.append(
            (
                Track.team_member,
                because("team_member", units=charge) if charge else because("team_member_no_units"),
            )
        )
    if leading:
        found.append(
            (Track.in_office, because(f"in_office_{leading.code}", **dict(leading.params)))
        )

    window_start = months_before(as_of, policy.windows.newly_promoted_months)
    if cadre.appointed_on and window_start < cadre.appointed_on <= as_of:
        months = policy.windows.newly_promoted_months
        found.append(
            (
                Track.newly_promoted,
                because("appointed", on=cadre.appointed_on, months=months, as_of=as_of),
            )
        )
    if cadre.reserve_cadre:
        found.append((Track.reserve, because("reserve")))

    admonition = admonition_reason(cadre, policy, as_of)
    if admonition:
        found.append((Track.admonition, admonition))
    if cadre.party_member is False and leading:
        found.append(
            (Track.non_party, because(f"non_party_{leading.code}", **dict(leading.params)))
        )

    key = key_post_reason(cadre, policy, posts)
    if key:
        found.append((Track.key_area, key))
    return [
        TrackAssignment(cadre.employee_id, track, str(reason), reason.code, reason.params)
        for track, reason in found
    ]


def classify_all(
    cadres: Iterable[CadreRecord], policy: Policy, as_of: date
) -> list[TrackAssignment]:
    """Classify a whole roster; the result is sorted so that row order never matters."""
    # Matching a post against the key areas was half the work: a province has 100,000 cadres
    # in a few thousand distinct posts.
    posts: dict[tuple[str, str], Reason | None] = {}
    assignments = [a for cadre in cadres for a in classify(cadre, policy, as_of, posts=posts)]
    return sorted(assignments, key=lambda a: (a.employee_id, TRACK_ORDER[a.track]))


def leading_reason(cadre: CadreRecord, policy: Policy) -> Reason | None:
    """Why the cadre is a leading cadre under the policy (`role` or `rank`), or None."""
    if cadre.leadership_role in policy.leading_cadre.leadership_roles:
        return because("role", role=cadre.leadership_role)
    if cadre.rank in policy.leading_cadre.ranks:
        return because("rank", rank=cadre.rank)
    return None


def admonition_reason(cadre: CadreRecord, policy: Policy, as_of: date) -> Reason | None:
    """Why the cadre needs admonition education, or None."""
    if cadre.discipline_status is DisciplineStatus.signs:
        if cadre.discipline_on:
            return because("signs_since", on=cadre.discipline_on)
        return because("signs")
    if cadre.discipline_status is DisciplineStatus.disciplined:
        months = policy.windows.disciplined_months
        if cadre.discipline_on is None:
            return because("disciplined_undated")
        if cadre.discipline_on > months_before(as_of, months):
            return because("disciplined", on=cadre.discipline_on, months=months, as_of=as_of)
    return None


def key_post_reason(
    cadre: CadreRecord, policy: Policy, posts: dict[tuple[str, str], Reason | None] | None = None
) -> Reason | None:
    """Why the cadre holds a key post (money, affairs, people), or None."""
    if cadre.key_post is not None:
        return because("key_post_roster") if cadre.key_post else None
    if posts is None:
        return post_reason(cadre.unit_name, cadre.post, policy)
    place = (cadre.unit_name, cadre.post)
    if place not in posts:
        posts[place] = post_reason(*place, policy)
    return posts[place]


def post_reason(unit_name: str, post: str, policy: Policy) -> Reason | None:
    """Why a post is a key post by its name or its unit's, or None: the policy's patterns."""
    unit_areas = key_areas_of(unit_name, policy)
    post_areas = key_areas_of(post, policy)
    folded = post.casefold()
    if post_areas and _matches(folded, policy.key_posts.patterns):
        return because("post_handles", post=post, areas="/".join(post_areas))
    if unit_areas and _matches(folded, policy.key_posts.patterns):
        return because("post_in_unit", post=post, areas="/".join(unit_areas), unit=unit_name)
    return None


def own_key_areas(cadre: CadreRecord, policy: Policy, lang: str) -> str:
    """The key areas of the cadre's own unit and post, in words ("管钱、管人"; "money, people")."""
    found = set(key_areas_of(cadre.unit_name, policy) + key_areas_of(cadre.post, policy))
    # in the policy's order (money, affairs, people), whichever name gave which
    return ("、" if lang == "zh" else ", ").join(
        policy.key_areas[a].label_zh if lang == "zh" else policy.key_areas[a].label_en
        for a in policy.key_areas
        if a in found
    )


def unit_key_areas(cadres: Iterable[CadreRecord], policy: Policy) -> dict[str, str]:
    """Key areas per unit, not per cadre: 400 units, not 100,000 pattern matches."""
    unit_names: dict[str, str] = {}
    for cadre in cadres:  # the first name given for a unit, as store_roster keeps it
        unit_names.setdefault(cadre.unit_code, cadre.unit_name)
    return {code: ",".join(key_areas_of(name, policy)) for code, name in unit_names.items()}


def key_areas_of(name: str, policy: Policy) -> list[str]:
    """The key areas (money, affairs, people) whose patterns occur in a unit or post name."""
    folded = name.casefold()
    return [area for area, rule in policy.key_areas.items() if _matches(folded, rule.patterns)]


def _matches(folded: str, patterns: list[str]) -> bool:
    return _pattern(tuple(patterns)).search(folded) is not None


@lru_cache(maxsize=256)
def _pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    # One compiled alternation per pattern list: a province has 100,000 posts to match.
    return re.compile("|".join(re.escape(p.casefold()) for p in patterns) or "(?!)")


@lru_cache(maxsize=64)  # asked for each cadre, of the same day
def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (2026-03-31 → 2025-02-28...)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
