"""The talks a quarter's roster calls for, opened in the cycle: a task over the whole quarter."""

from __future__ import annotations

from collections import Counter

from prefect import task

from core.domain import Quarter
from core.talks import TalkKind
from flows.common import RunSettings, log, quarter_policy
from models.cadres import quarter_roster
from models.db import session_for
from models.talks import open_talks
from policy.escalation import chain_of
from policy.talks import talks_opened


@task(persist_result=False)
def open_quarter_talks(*, run: RunSettings, quarter: Quarter) -> dict[str, int]:
    """Open each talk the roster calls for that is not open yet; the new ones of each kind
    that may be counted where the operator reads (a reminder talk is confidential)."""
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        cadres = quarter_roster(session=session, quarter=quarter)
        called_for = talks_opened(
            cadres, rules=loaded.policy.talks, quarter=quarter, chain=chain_of(cadres)
        )
        opened = open_talks(
            session,
            called_for,
            quarter=quarter.label,
            letter_version=loaded.policy.talks.letter_version,
        )
    new = Counter(t.kind.value for t in opened if not t.confidential)
    shown = {kind.value: new[kind.value] for kind in TalkKind if kind.value in new}
    log().info("talks the roster calls for: %s", shown)
    return shown
