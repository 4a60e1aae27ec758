"""One stage of the quarter, run in its own process so that its peak memory is its own.

python -m bench.stage STAGE WORKDIR
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from core.domain import Quarter
from core.settings import Settings
from flows.common import RunSettings

# A million cadres' roster is 161 MB and a million rows, over what an operator's upload may be.
os.environ.setdefault("LIANJIE_MAX_FILE_MB", "2048")
os.environ.setdefault("LIANJIE_MAX_ROWS", "5000000")

AS_OF = date(2026, 10, 1)
QUARTER = Quarter(2026, 4)


def run_settings(db: str, **changes: object) -> RunSettings:
    """What the flow would hand its tasks, on the bench's own database."""
    return RunSettings.of(Settings()).model_copy(update={"db_url": db, **changes})


def database(work: Path) -> str:
    """The quarter's database: LIANJIE_BENCH_DATABASE_URL (`bench.run --postgres` sets it), or
    the SQLite file in the work folder."""
    return os.environ.get("LIANJIE_BENCH_DATABASE_URL") or f"sqlite:///{work / 'lianjie.db'}"


def run(stage: str, work: Path) -> dict[str, object]:
    db = database(work)
    if stage == "import":
        from flows.roster import import_roster

        result = import_roster.fn(
            run=run_settings(db),
            quarter=QUARTER,
            roster=str(work / "roster.csv"),
            policy_file=None,
            as_of=AS_OF,
        )
        return {"rows": result.read}
    if stage == "classify":
        from flows.placement import classify_cadres

        return {
            "assignments": sum(
                classify_cadres.fn(run=run_settings(db), quarter=QUARTER, as_of=AS_OF).values()
            )
        }
    if stage == "schedule":
        from flows.placement import schedule_sessions

        return schedule_sessions.fn(run=run_settings(db), quarter=QUARTER, as_of=AS_OF)
    if stage == "messages":
        from flows.messages import plan_messages

        result = plan_messages.fn(run=run_settings(db, data_dir=work), quarter=QUARTER, as_of=AS_OF)
        return {"messages": result["total_new"]}
    if stage == "dispatch":
        from flows.dispatch import send_due

        # E-mail only: text messages cost the same per message and would double the wait.
        # On the first working day after the cycle's National Day: the invitations are due.
        return {
            "email": send_due.fn(run=run_settings(db), kind="email", on=date(2026, 10, 8))["sent"]
        }
    if stage == "dispatch-smtp":
        return smtp_dispatch(work)
    if stage == "completions":
        from flows.collect import import_completions

        result = import_completions.fn(
            run=run_settings(db), quarter=QUARTER, file=str(work / "completions.csv")
        )
        return {"rows": result.read}
    if stage == "reports":
        return reports(work)
    if stage == "reports-prepared":
        return reports_prepared(work)
    if stage == "pure":
        return pure(work)
    raise SystemExit(f"unknown stage {stage}")


def reports(work: Path) -> dict[str, object]:
    """The accountability-reports flow as an operator runs it, on the bench's database: a part
    of the quarter prepared while the part before renders. Against PREFECT_API_URL when set
    (`bench.run` starts a server), else Prefect's temporary one."""
    os.environ["LIANJIE_DATABASE_URL"] = database(work)
    from flows.reporting.accountability import accountability_reports

    started = time.perf_counter()
    summary = accountability_reports(
        quarter=QUARTER.label,
        out=str(work / "reports"),
        as_of=date(2026, 12, 31),  # the quarter's last day: every deadline has passed
        allow_future=True,
    )
    return {
        "pdfs": summary.rendered,
        "pages": sum(r.pages for r in summary.reports),
        "flow_s": time.perf_counter() - started,
    }


def reports_prepared(work: Path) -> dict[str, object]:
    """The reports stage without the unit PDFs: every part of the quarter loaded and its unit
    reports' numbers made (then dropped), the summary and confidential list rendered. For a
    million cadres, where rendering 4,000 unit PDFs alone would take the best part of an hour:
    what the parts change is the memory and time of preparing; each part's rendering is what
    it is at any size."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flows.reporting.parts import plan_reports, prepare_organisation, prepare_part
    from flows.reporting.rendering import render_chunk

    run = run_settings(database(work))
    as_of = datetime(2026, 12, 31, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
    setting, parts = plan_reports.fn(
        run=run, quarter=QUARTER, units=None, out=str(work / "reports"), as_of=as_of
    )
    shares, unit_reports = [], 0
    for units in parts:
        part = prepare_part.fn(run=run, quarter=QUARTER, setting=setting, units=units)
        unit_reports += len(part.reports)
        part.reports.clear()
        shares.append(part)
    own = prepare_organisation.fn(run=run, quarter=QUARTER, setting=setting, parts=shares)
    rendered = render_chunk.fn([p.job for p in own])
    return {
        "parts": len(parts),
        "unit_reports_prepared": unit_reports,
        "pdfs": len(rendered),
        "pages": sum(r.pages for r in rendered),
    }


def pure(work: Path) -> dict[str, object]:
    """The domain logic alone, no database: parsing, classification, seating and planning."""
    from intake.read import read_table
    from intake.roster import parse_roster
    from policy.calendar import calendar_for
    from policy.classify import classify_all
    from policy.config import load_policy
    from policy.schedule import plan_sessions, seat_demand

    policy = load_policy().policy
    timings: dict[str, object] = {}
    started = time.perf_counter()
    limits = run_settings("sqlite://").read_limits
    cadres = parse_roster(read_table(work / "roster.csv", limits=limits)).accepted
    timings["read_and_validate_roster"] = time.perf_counter() - started
    started = time.perf_counter()
    assignments = classify_all(cadres, policy, AS_OF)
    timings["classify"] = time.perf_counter() - started
    tracks: dict[str, list[str]] = {}
    for a in assignments:
        tracks.setdefault(a.employee_id, []).append(a.track.value)
    quarter = QUARTER
    started = time.perf_counter()
    plan_sessions(
        quarter=quarter,
        programmes=[p for p in policy.programmes if not p.joint_with],
        demand=seat_demand(tracks, policy),
        existing=[],
        days=calendar_for(quarter.starts_on, quarter.ends_on).working_days(
            date(2026, 10, 12), quarter.ends_on
        ),
        rules=policy.sessions,
    )
    timings["seat_and_schedule"] = time.perf_counter() - started
    return {"cadres": len(cadres), "assignments": len(assignments), **timings}


def smtp_dispatch(work: Path) -> dict[str, object]:
    """The file-outbox stage's e-mails again, to a local SMTP server in its own process, on
    the copy of the database made before that stage; the server hangs up every 1,000 e-mails."""
    from flows.dispatch import send_due
    from harness.servers import free_port

    port, counts = free_port(), work / "smtp-counts.json"
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", str(port), str(counts), "1000"]
    )
    try:
        time.sleep(1.0)  # the server listens
        os.environ["LIANJIE_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        started = time.perf_counter()
        result = send_due.fn(
            run=run_settings(f"sqlite:///{work / 'smtp.db'}"), kind="email", on=date(2026, 10, 8)
        )
        work_s = time.perf_counter() - started
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=60)
    return {"email": result["sent"], "failed": result["failed"], "work": work_s} | json.loads(
        counts.read_text()
    )


if __name__ == "__main__":
    os.environ["LIANJIE_DATA_DIR"] = sys.argv[2]
    # Imports (Prefect alone takes a second or two) are start-up, not the stage's work.
    from flows.common import prepare_process

    prepare_process()  # as a flow run's process is: the stages here call tasks directly
    started = time.perf_counter()
    counts = run(sys.argv[1], Path(sys.argv[2]))
    print(json.dumps({"work": time.perf_counter() - started, "counts": counts}))
