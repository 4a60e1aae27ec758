"""The year's integrity talks and letters for the annual report (述责述廉): the talks each
leader and each body was asked to hold, held and not, and the letters signed. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from core.domain import CadreRecord, LeadershipRole
from core.talks import Talker
from models.facts import QuarterData
from reports.talk_tally import letters_tally, talks_by_talker


def year_talks(
    quarters: Sequence[QuarterData], *, on: date, labels: dict[str, Any]
) -> dict[str, Any]:
    """Talks per talker (the leaders on the roster, then the bodies above them) and letters,
    each talk and letter once across the quarters that list it. Confidential kinds of talk
    (reminder, admonishment) are in none of it: the year report is not the discipline body's."""
    talks = [t for q in quarters for t in q.talks if not t.confidential]
    tallies = talks_by_talker(talks, on=on)
    people: dict[str, CadreRecord] = {}
    units: dict[str, str] = {}
    for q in quarters:  # the latest quarter's name, post and unit for each leader
        people |= {c.employee_id: c for c in q.cadres if c.employee_id in tallies}
        units |= q.units
    roles = {
        LeadershipRole.top_leader: labels["top_leader"],
        LeadershipRole.team_member: labels["team_member_role"],
    }
    leaders = [
        {
            "name": c.name,
            "unit": units.get(c.unit_code, c.unit_code),
            "post": c.post,
            "role": roles.get(c.leadership_role, ""),
            "tally": tallies[c.employee_id],
        }
        for c in sorted(people.values(), key=lambda c: (c.unit_code, c.employee_id))
    ]
    bodies = [
        {"name": labels["talkers"][role.value], "unit": "", "tally": tallies[role.value]}
        for role in (Talker.organisation, Talker.discipline_head)
        if role.value in tallies
    ]
    return {
        "leaders": leaders,
        "bodies": bodies,
        "letters": letters_tally((p for q in quarters for p in q.pledges), on=on),
    }
