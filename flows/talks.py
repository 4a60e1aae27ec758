"""The talks a quarter's roster calls for, opened in the cycle: a task over the whole quarter."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from prefect import task
from sqlmodel import Session

from core.domain import ImportKind, Quarter, Reject
from core.talks import CONFIDENTIAL_TALKS, HeldTalk, TalkKind, TalkOpened
from flows.artifacts import ImportSummary
from flows.common import RunSettings, log, quarter_policy
from intake.read import Table
from intake.rules import BadValue
from intake.talk_register import parse_talk_register
from intake.values import text
from models.cadres import quarter_roster, roster_records
from models.db import session_for
from models.roster import find_import, record_import
from models.talks import open_talks, record_held
from policy.config import TalkRules
from policy.escalation import chain_of
from policy.talks import held_unopened, talks_opened
from reports.render import labels


@task(persist_result=False)
def open_quarter_talks(*, run: RunSettings, quarter: Quarter) -> dict[str, int]:
    """Open each talk the roster calls for that is not open yet; the new ones of each kind
    that may be counted where the operator reads (a reminder talk is confidential)."""
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        cadres = quarter_roster(session=session, quarter=quarter)
        calendar = run.calendar(quarter.starts_on, quarter.ends_on)
        called_for = talks_opened(
            cadres,
            rules=loaded.policy.talks,
            quarter=quarter,
            chain=chain_of(cadres),
            due_by=lambda day: (
                day if calendar.is_working_day(day) else calendar.shift_working_days(day, -1)
            ),
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


def held_talks_in(table: Table, *, run: RunSettings, quarter: Quarter, on: date) -> ImportSummary:
    """A talk register handed back: the talks it says were held, recorded once (the same file
    twice changes nothing). One that names a confidential kind of talk is counted only,
    wherever the operator reads (its rows say who is on the admonition track)."""
    words = labels("zh"), labels("en")
    kinds = {str(w["talk_kinds"][k.value]): k for w in words for k in TalkKind}
    kinds |= {k.value: k for k in TalkKind} | {n.casefold(): k for n, k in kinds.items()}
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        earlier = find_import(
            session=session, quarter=quarter, kind=ImportKind.talks, sha256=table.sha256
        )
        if earlier is not None:
            log().info("%s was already imported into %s; nothing changes", table.source, quarter)
            return ImportSummary.already(table.source, earlier)
        cadres = frozenset(roster_records(session=session, quarter=quarter))
        result = parse_talk_register(table, kinds=kinds, cadres=cadres, today=on)
        secret = any(t.kind in CONFIDENTIAL_TALKS for t in result.accepted) or any(
            kinds.get(text(v).casefold()) in CONFIDENTIAL_TALKS
            for r in result.rejects
            for v in r.values.values()
        )
        unmatched = record_held(
            session,
            result.accepted,
            unopened=decided_talks(session=session, quarter=quarter, rules=loaded.policy.talks),
            quarter=quarter.label,
        )
        for row in unmatched:  # no talk open of a kind the roster opens
            result.accepted.remove(row)
            bad = BadValue("kind", "no_open_talk", kind=row.kind.value, employee_id=row.employee_id)
            result.rejects.append(
                Reject(row.row, bad.column, bad.reason, code=bad.code, params=bad.params)
            )
        record_import(
            session=session,
            quarter=quarter,
            kind=ImportKind.talks,
            source=table.source,
            sha256=table.sha256,
            read=result.read,
            accepted=len(result.accepted),
            rejects=result.rejects,
            collected_on=on,
        )
    # a register's rows left blank are talks still owed, not a sheet's rows without a status
    summary = ImportSummary.of(result).model_copy(
        update={"still_owed": result.not_filled_in, "not_filled_in": []}
    )
    shown = summary.kept_confidential() if secret else summary
    log().info(
        "%s: %d talks recorded held or waived, %d rejected",
        shown.source,
        shown.accepted,
        shown.rejected,
    )
    return shown


def decided_talks(
    *, session: Session, quarter: Quarter, rules: TalkRules
) -> Callable[[HeldTalk], TalkOpened | None]:
    """What a register's row of a kind people decide (an admonishment, a collective talk)
    opens: that talk, held by the policy's talker above the cadre on the quarter's roster."""
    cadres = quarter_roster(session=session, quarter=quarter)
    by_id, chain = {c.employee_id: c for c in cadres}, chain_of(cadres)

    def opened(row: HeldTalk) -> TalkOpened | None:
        cadre = by_id.get(row.employee_id)  # a leaver since: no talk to open
        if cadre is None or row.held_on is None:
            return None
        return held_unopened(row.kind, cadre, row.held_on, rules=rules, chain=chain)

    return opened
