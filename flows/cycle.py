"""quarterly-cycle: import the roster, classify, schedule, plan reminders, queue invitations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, cast

from prefect import flow

from core.domain import PLANNED_KINDS, Quarter
from core.exceptions import LeaversToConfirm, LianjieInputError
from core.settings import Settings
from flows.artifact_tables import TableWords, Told, artifact_key, publish
from flows.artifacts import ImportSummary
from flows.common import (
    RunSettings,
    expected_failures,
    log,
    one_at_a_time,
    settings,
    today,
)
from flows.families import plan_family_letters, take_families
from flows.leavers import operator_accepts, refused, someone_to_ask
from flows.messages import plan_messages
from flows.moments import rules_day
from flows.parameters import (
    UNSET,
    Day,
    FormLanguage,
    FormText,
    QuarterLabel,
    RosterSource,
    existing_file,
    given_day,
    titled,
)
from flows.placement import classify_cadres, schedule_sessions
from flows.progress import stage
from flows.roster import import_roster
from flows.run_names import run_name
from flows.run_summaries import cycle_summary
from flows.starting import idle_today, started
from flows.summaries import CycleSummary
from flows.talks import open_quarter_talks
from intake.database import is_database_source
from models.db import rehearsal
from policy.config import load_policy


# Its summary is kept (Prefect's result storage, under PREFECT_HOME): `lianjie web` reads it
# back when a worker ran the flow for it. Its tasks keep nothing: they hold the quarter's people.
@flow(
    name="quarterly-cycle",
    flow_run_name=run_name("quarterly-cycle"),
    log_prints=True,
    persist_result=True,
)
@expected_failures
def quarterly_cycle(
    quarter: Annotated[QuarterLabel, titled("Quarter 季度")] = UNSET,
    roster: Annotated[RosterSource, titled("Roster file or HR database 花名册")] = "",
    policy: Annotated[FormText, titled("Policy file 施教政策")] = "",
    as_of: Annotated[Day, titled("Rules applied on 适用日期")] = UNSET,
    lang: Annotated[FormLanguage, titled("Language 语言")] = UNSET,
    dry_run: Annotated[bool, titled("Dry run: preview, change nothing 试运行")] = False,
    accept_leavers: Annotated[bool, titled("Confirm many leavers 确认大批人员离开")] = False,
    sheet: Annotated[FormText, titled("Sheet of the workbook 工作表")] = "",
    families: Annotated[FormText, titled("Family contacts file 家属联系方式")] = "",
    only_on_first_working_day: Annotated[
        bool, titled("Only on the month's first working day 仅在当月首个工作日运行")
    ] = False,
) -> CycleSummary:
    """Start a quarter: import the roster, classify cadres, schedule sessions, plan reminders.

    Args:
        quarter: The quarter to run, written YYYYQn, e.g. 2026Q4; empty means the current quarter.
        roster: Path of the roster file (.xlsx or .csv) on the machine that runs the flow, or an
            HR database of LIANJIE_HR_DATABASE_URL as hr:table=NAME or hr:query=SELECT …
            (one SELECT, read only); empty means LIANJIE_ROSTER.
        policy: Path of a policy TOML file; empty means LIANJIE_POLICY or the bundled defaults.
        as_of: The date the rules are applied on (newly promoted, discipline windows); empty: today.
            A day before the quarter means its first day; one after its end is refused.
        lang: Language of the messages and greeting cards; empty means LIANJIE_LANG (zh).
        dry_run: Read, validate, classify and plan, report what would change, and write nothing.
        accept_leavers: Confirm a roster that makes more than the policy's share of the
            quarter's cadres leave (refused otherwise, as a partial file would be).
        sheet: The one sheet of a workbook to read; empty means every sheet whose header
            matches the roster's columns.
        families: Path of the family-contacts file (工号, 家属姓名, 关系, 手机, 邮箱, 同意接收);
            empty means LIANJIE_FAMILIES, or the contacts kept from the last one.
        only_on_first_working_day: Do nothing unless today is the first working day of the
            month (the schedule fires on each of the quarter's first ten days and sets this).
    """
    config = settings()
    if idle := idle_today(config, only_on_first_working_day):
        return cast(CycleSummary, idle)
    start = started(quarter, lang, config=config)
    run, period = start.run, start.quarter
    roster_source = chosen_roster(roster, config)
    policy_file = policy or (str(config.policy) if config.policy else None)
    as_of_day = rules_day(period, given_day(as_of), today(config))
    policy_sha = load_policy(Path(policy_file) if policy_file else None).sha256
    summary = the_quarter_asked(
        run=run,
        quarter=period,
        as_of=as_of_day,
        families=families or (str(config.families) if config.families else None),
        policy_sha256=policy_sha,
        dry_run=dry_run,
        accept_leavers=accept_leavers,
        roster=lambda accepted: import_roster(
            run=run,
            quarter=period,
            roster=roster_source,
            policy_file=policy_file,
            as_of=as_of_day,
            accept_leavers=accepted,
            sheet=sheet.strip(),
        ),
    )
    if dry_run:
        log().info("dry run: nothing was stored, queued, cancelled or written")
    # a dry run's under keys of its own: the Run form's user reads it
    publish_cycle(summary, TableWords(config.lang))
    return summary


def the_quarter_asked(
    *,
    run: RunSettings,
    quarter: Quarter,
    as_of: date,
    policy_sha256: str,
    dry_run: bool,
    accept_leavers: bool,
    roster: Callable[[bool], ImportSummary],
    families: str | None = None,
) -> CycleSummary:
    """The quarter planned under its lock (a dry run: in a transaction rolled back at the
    end). A roster with more leavers than the policy allows stores nothing; a deployment run
    then asks its operator, outside the lock, and plans again if they accept."""

    def planned(leavers_accepted: bool) -> CycleSummary:
        guard = rehearsal(run.db_url) if dry_run else one_at_a_time(run.db_url, quarter)
        with guard:
            return the_quarter_planned(
                run=run,
                quarter=quarter,
                as_of=as_of,
                policy_sha256=policy_sha256,
                dry_run=dry_run,
                roster=lambda: roster(leavers_accepted),
                families=families,
            )

    try:
        return planned(accept_leavers)
    except LeaversToConfirm as asked:
        if not someone_to_ask():
            raise  # the command line: its message says --accept-leavers
        if not operator_accepts(asked, TableWords(run.lang)):
            raise refused(asked) from None
        return planned(leavers_accepted=True)


def the_quarter_planned(
    *,
    run: RunSettings,
    quarter: Quarter,
    as_of: date,
    policy_sha256: str,
    dry_run: bool,
    roster: Callable[[], ImportSummary],
    families: str | None = None,
) -> CycleSummary:
    """The cycle's stages in order, each told as it starts."""
    with stage("importing the roster", 6, key=f"cycle-{quarter.label}") as steps:
        imported = roster().leavers_confirmed()
        steps.advance(doing="classifying cadres")
        tracks = classify_cadres(run=run, quarter=quarter, as_of=as_of)
        steps.advance(doing="opening talks")
        talks = open_quarter_talks(run=run, quarter=quarter)
        steps.advance(doing="scheduling sessions")
        sessions = schedule_sessions(run=run, quarter=quarter, as_of=as_of)
        steps.advance(doing="planning messages")
        messages = plan_messages(run=run, quarter=quarter, as_of=as_of)
        steps.advance(doing="writing to families")
        taken = take_families(run=run, quarter=quarter, file=families) if families else None
        letters = plan_family_letters(run=run, quarter=quarter, as_of=as_of)
        steps.advance(doing="quarter planned")
    return CycleSummary(
        quarter=quarter.label,
        as_of=as_of,
        policy_sha256=policy_sha256,
        dry_run=dry_run,
        roster=imported,
        tracks=tracks,
        talks=talks,
        sessions=sessions,
        messages=messages,
        families=(taken.counts() if taken else {}) | letters,
    )


def chosen_roster(roster: str, config: Settings) -> str:
    """The roster the run reads: the one given, else LIANJIE_ROSTER; a file that is there, or an
    HR database named hr:table=… / hr:query=…."""
    source = roster or str(config.roster or "")
    if not source.strip():
        raise LianjieInputError(
            "no roster: give one (a .xlsx or .csv file, or hr:table=NAME) or set LIANJIE_ROSTER"
        )
    return source if is_database_source(source) else str(existing_file(source, "roster file"))


def publish_cycle(summary: CycleSummary, words: TableWords) -> None:
    """The cycle's summary and the roster's rejects as tables in the Prefect UI; a dry run's
    under keys of its own (`dry-run-cycle-…`), beside the real run's, never replacing them."""
    publish(cycle_told(summary, words))


def cycle_told(summary: CycleSummary, words: TableWords) -> Told:
    """The cycle's summary, its counts, the roster's warnings and its rejects, in words."""
    rehearsed = "dry-run-" if summary.dry_run else ""
    roster, quarter, dry_run = summary.roster, summary.quarter, summary.dry_run
    # titles, totals and footers: not data, not rejects (their text stays off the server)
    counts = [
        (words.row(what), n)
        for what, n in [
            ("read", roster.read),
            ("accepted", roster.accepted),
            ("rejected", roster.rejected),
            ("ignored", len(roster.ignored_lines)),
        ]
    ]
    if (changes := roster.changes) is not None:
        counts += [
            (words.row(what), len(getattr(changes, what)))
            for what in ("joined", "left", "changed", "kept")
        ]
        counts.append((words.row("leavers_cancelled"), changes.messages_cancelled))
    counts += [(words.row("track", track=words.track(t)), n) for t, n in summary.tracks.items()]
    counts += [(words.row("talks", kind=words.talk_kind(k)), n) for k, n in summary.talks.items()]
    counts += [(words.row(k), n) for k, n in summary.sessions.items()]
    counts += [(cycle_message_row(words, k), n) for k, n in summary.messages.items()]
    title = words.title("cycle", dry_run=dry_run, quarter=quarter, as_of=summary.as_of)
    return Told(
        title,
        artifact_key(f"{rehearsed}cycle-summary", quarter),
        cycle_summary(summary, words),
        [
            (artifact_key(f"{rehearsed}cycle", quarter), title, words.counted(counts)),
            (
                artifact_key(f"{rehearsed}roster-warnings", quarter),
                words.title("roster_warnings", dry_run=dry_run, quarter=quarter),
                words.warnings(roster.coded_warnings),
            ),
            (
                artifact_key(f"{rehearsed}roster-rejects", quarter),
                words.title("roster_rejects", dry_run=dry_run, quarter=quarter),
                words.rejects(roster.rejects),
            ),
        ],
    )


def cycle_message_row(words: TableWords, code: str) -> str:
    """A count of the cycle's messages: by kind, or one of the totals."""
    if code in PLANNED_KINDS:
        return words.row("messages", kind=words.message_kind(code))
    return words.row(code)
