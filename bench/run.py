"""Run the benchmarks and write bench/out/results.json and results.md.

    python -m bench.run [--sizes 10000,100000] [--skip-startup] [--rounds 3]
    python -m bench.run --sizes 1000000 --bounded [--postgres]   # the peaks against 2 GiB

Each stage runs in its own process (`bench.stage`) on the same SQLite database, so its wall
time, CPU time and peak memory are its own. The floors run in the same session on the same data.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

from harness.servers import prefect_server
from lianjie.synthetic import COMPLETION_HEADER, HEADER, completion_rows, roster_rows, write_csv

OUT = Path(__file__).with_name("out")
PEAK_BOUND_MIB = 2048  # what any stage of a million cadres' quarter may take (issue 41)
UNIT_SIZE = 250  # cadres per unit: 400 units make a province of 100,000
CYCLE = ("import", "classify", "schedule", "messages")
# Each ratio a round gives: its name, what is measured ("cycle_s" or "import_s"), the floor it
# is taken against, and how the results say it. The same-rows floors first, then the narrow.
RATIOS = (
    ("cycle", "cycle_s", "floor_data_stored", "cycle {size} / same-rows floor"),
    ("import", "import_s", "floor_stored", "roster import {size} / same-rows floor"),
    ("cycle_narrow", "cycle_s", "floor_data", "cycle {size} / data floor"),
    ("import_narrow", "import_s", "floor_roster", "roster import {size} / roster floor"),
)


def measured(*command: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command; its wall time, CPU time, peak memory, and the JSON it printed.

    "work" is the stage's own time as it reports it; "wall" adds interpreter start and imports.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env or os.environ.copy())
        _, status, usage = os.wait4(process.pid, 0)  # reaps the child with its own rusage
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    # The stage's JSON is its last line (a flow's log lines may come before it).
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    try:
        output = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        output = {}
    return {
        "wall": wall,
        "work": output.get("work", wall),
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "output": output,
    }


def stage(name: str, work: Path) -> dict[str, float | dict]:
    if name == "reports":  # the flow itself, against a server as deployments run it
        with prefect_server(work / "prefect") as server:
            return measured(sys.executable, "-m", "bench.stage", name, str(work), env=server)
    return measured(sys.executable, "-m", "bench.stage", name, str(work))


def completions_file(work: Path, rows_wanted: int, database: str | None = None) -> int:
    """Sign-in sheets for every enrolment, re-sent until the file has the rows wanted; from the
    work folder's SQLite file unless another database is given."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database or f"sqlite:///{work / 'lianjie.db'}")
    with engine.connect() as connection:
        enrolled = connection.execute(
            text(
                "SELECT e.session_code, e.employee_id, s.programme_code, s.held_on "
                "FROM enrolment e JOIN session s ON s.code = e.session_code "
                "ORDER BY s.held_on, e.session_code"
            )
        ).all()
    engine.dispose()
    # SQLite hands the day back as text, PostgreSQL as a date
    enrolled = [(c, e, p, date.fromisoformat(str(d))) for c, e, p, d in enrolled]
    rows: list[list[str]] = []
    seed = 0
    while len(rows) < rows_wanted:
        rows += completion_rows(enrolled, date(2026, 12, 31), seed=seed)
        seed += 1
    write_csv(work / "completions.csv", COMPLETION_HEADER, rows[:rows_wanted])
    return min(len(rows), rows_wanted)


def quarter(
    size: int, *, full: bool, cycle_only: bool = False, rounds: int = 1
) -> tuple[dict[str, object], list[dict[str, float]]]:
    """A quarter of `size` cadres: the cycle's stages, then (full) the rest of the quarter; and
    each round's ratios to the floors.

    With `rounds` above 1 the cycle and its floors are measured that many times, one after the
    other: on a shared 2-core machine a floor alone moved by half between runs. Each ratio is
    then the median of its rounds (`derived`), and the stages kept are the median round's.
    With `cycle_only`, the later stages keep the figures measured last time.
    """
    earlier = reread(size) if cycle_only else {}
    work = OUT / str(size)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    write_csv(
        work / "roster.csv", HEADER, roster_rows(size // UNIT_SIZE, UNIT_SIZE, date(2026, 10, 1))
    )
    measured_rounds = [cycle_round(size, work) for _ in range(rounds)]
    ratios = [round_ratios(r) for r in measured_rounds]
    (OUT / f"rounds-{size}.json").write_text(json.dumps(ratios, indent=1))
    # The median round's stages; the database left on disk is the last round's, the same rows.
    results = measured_rounds[median_round(ratios)]
    if cycle_only:
        results |= {k: v for k, v in earlier.items() if k not in results}
    save_progress(size, results)
    if cycle_only:
        if full and "floor_render" not in results:
            results["floor_render"] = measured(
                sys.executable, "-m", "bench.floors", "render", str(work)
            )
        save_progress(size, results)
    elif full:
        completions_file(work, 3 * size)
        # The SMTP stage sends the same e-mails as the file outbox: from a copy made before.
        with (
            sqlite3.connect(work / "lianjie.db") as source,
            sqlite3.connect(work / "smtp.db") as copy,
        ):
            source.backup(copy)
        for name in ("completions", "dispatch", "dispatch-smtp"):
            results[name] = stage(name, work)
            save_progress(size, results)
        # The render floor just before and just after the reports: this machine's speed moved
        # by half within minutes, and the ratio is only fair against the floor of its moment.
        results["floor_render_before"] = measured(
            sys.executable, "-m", "bench.floors", "render", str(work)
        )
        results["reports"] = stage("reports", work)
        results["floor_render"] = measured(
            sys.executable, "-m", "bench.floors", "render", str(work)
        )
        save_progress(size, results)
    return results, ratios


def cycle_round(size: int, work: Path) -> dict[str, Any]:
    """The cycle's stages on an empty database, then the floors on the same roster."""
    for stale in work.glob("lianjie.db*"):
        stale.unlink()
    shutil.rmtree(work / "cards", ignore_errors=True)
    results: dict[str, Any] = {}
    for name in CYCLE:
        results[name] = stage(name, work)
        save_progress(size, results, kind="round")
    results["pure"] = stage("pure", work)
    messages = results["messages"]["output"]["counts"]["messages"]
    results["floor_data"] = measured(
        sys.executable, "-m", "bench.floors", "data", str(work), str(messages)
    )
    # The roster import's own floor (issue 3): the same script writing the cadres only, six
    # columns of them; and the floor that writes each cadre's row as the import stores it.
    results["floor_roster"] = measured(sys.executable, "-m", "bench.floors", "data", str(work), "0")
    results["floor_stored"] = measured(
        sys.executable, "-m", "bench.floors", "stored", str(work), "0"
    )
    # And the cycle's floor writing every row as lianjie stores it.
    results["floor_data_stored"] = measured(
        sys.executable, "-m", "bench.floors", "stored", str(work), str(messages)
    )
    save_progress(size, results, kind="round")
    return results


def median_round(ratios: list[dict[str, float]]) -> int:
    """Which round's stages the table shows: the median by the cycle's ratio to its floor (of
    an even number, the higher of the two). The ratios are each their own median."""
    return sorted(range(len(ratios)), key=lambda i: ratios[i]["cycle"])[len(ratios) // 2]


def round_ratios(stages: dict[str, Any]) -> dict[str, float]:
    """A round's cycle and import against their floors: the same-rows ones, and the narrow
    (the floors a round measured; results from before the same-rows floors have only these)."""
    cycle = sum(stages[name]["work"] for name in CYCLE)
    found = {"cycle_s": cycle, "import_s": stages["import"]["work"]}
    for ratio, measure, floor, _ in RATIOS:
        if floor in stages:
            found[f"{ratio}_floor"] = stages[floor]["work"]
            found[ratio] = found[measure] / found[f"{ratio}_floor"]
    return found


def ratio_line(ratios: list[float], floors: list[float]) -> str:
    """One ratio as the results say it: alone, or the median of several rounds and each."""
    if len(ratios) == 1:
        return f"{ratios[0]:.2f}× (floor {floors[0]:.2f} s)"
    return (
        f"median {median(ratios):.2f}× of {len(ratios)} rounds; each "
        + ", ".join(f"{r:.2f}×" for r in ratios)
        + f" (floors {min(floors):.2f}–{max(floors):.2f} s)"
    )


def bounded(size: int, *, postgres: bool, every_pdf: bool = False) -> dict[str, object]:
    """The stages whose memory grows with the province, for `size` cadres: the cycle, the
    collect of three completion rows a cadre, and the prepared reports (every part loaded, the
    summary and the confidential list rendered; with `every_pdf`, the reports flow rendering
    every unit's PDF too). On SQLite, or on a PostgreSQL cluster of its own started here with
    PostgreSQL's default durability. No floors: the peaks are what is measured. Ends by
    printing each stage's peak against the 2 GiB a stage may take."""
    from harness.postgres import cluster

    work = OUT / (f"{size}-postgresql" if postgres else f"{size}-bounded")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    write_csv(
        work / "roster.csv", HEADER, roster_rows(size // UNIT_SIZE, UNIT_SIZE, date(2026, 10, 1))
    )
    results: dict[str, Any] = {}
    kind = "postgresql" if postgres else "bounded"
    with cluster(durable=True) if postgres else contextlib.nullcontext() as server:
        url = server.database() if server else f"sqlite:///{work / 'lianjie.db'}"
        env = os.environ | {"LIANJIE_BENCH_DATABASE_URL": url}
        for name in (*CYCLE, "completions", "reports" if every_pdf else "reports-prepared"):
            if name == "completions":
                completions_file(work, 3 * size, url)
            results[name] = measured(sys.executable, "-m", "bench.stage", name, str(work), env=env)
            print(f"{size:,} on {kind}, {name}: {results[name]}", flush=True)
            save_progress(size, results, kind=kind)
    where = "PostgreSQL" if postgres else "SQLite"
    print(f"\nPeaks, {size:,} cadres on {where} (a stage may take {PEAK_BOUND_MIB:,} MiB):")
    for name, measured_ in results.items():
        peak = measured_["peak_mib"]
        verdict = "within" if peak <= PEAK_BOUND_MIB else "OVER"
        print(f"  {name:<18} {peak:>6,.0f} MiB  {verdict}  ({measured_['wall']:.0f} s)")
    return results


def reports_rounds(size: int, rounds: int) -> list[dict[str, float]]:
    """The reports stage alone, `rounds` times, on the quarter the last full run of `size` left
    in bench/out, each round between a render floor just before and one just after. Prints
    each round's ratios per PDF (the flow's own time, and its process from start to end,
    against the mean of the two floors) and their medians; saves them to reports-SIZE.json."""
    work = OUT / str(size)
    if not (work / "lianjie.db").exists():
        raise SystemExit(f"no quarter of {size} in {work}: run bench.run --sizes {size} first")
    floor = (sys.executable, "-m", "bench.floors", "render", str(work))
    found: list[dict[str, float]] = []
    for round_ in range(1, rounds + 1):
        before = measured(*floor)
        reports = stage("reports", work)
        after = measured(*floor)
        pdfs = reports["output"]["counts"]["pdfs"]  # type: ignore[index]
        bare = bare_render({"floor_render_before": before, "floor_render": after})
        found.append(
            {
                "pdfs": pdfs,
                "bare_s": bare,
                "flow_s": float(reports["work"]),  # type: ignore[arg-type]
                "whole_s": float(reports["wall"]),  # type: ignore[arg-type]
                "flow": float(reports["work"]) / pdfs / bare,  # type: ignore[arg-type]
                "whole": float(reports["wall"]) / pdfs / bare,  # type: ignore[arg-type]
                "peak_mib": float(reports["peak_mib"]),  # type: ignore[arg-type]
            }
        )
        last = found[-1]
        print(
            f"round {round_}: {pdfs} PDFs, flow {last['flow_s']:.0f} s, process "
            f"{last['whole_s']:.0f} s; the bare render {bare:.3f} s (before "
            f"{before['output']['per_pdf']:.3f}, after {after['output']['per_pdf']:.3f}): "
            f"per PDF {last['flow']:.2f}× (flow), {last['whole']:.2f}× (whole process)",
            flush=True,
        )
    (OUT / f"reports-{size}.json").write_text(json.dumps(found, indent=1))
    print(
        f"medians of {rounds}: {median(r['flow'] for r in found):.2f}× (flow), "
        f"{median(r['whole'] for r in found):.2f}× (whole process)"
    )
    return found


def reread(size: int) -> dict[str, Any]:
    """A size's stages as measured last time, with "work" taken from each stage's own report
    (none when the size was never measured)."""
    progress = OUT / f"progress-{size}.json"
    stages = json.loads(progress.read_text()) if progress.exists() else {}
    for stage_ in stages.values():
        stage_["work"] = stage_["output"].get("work", stage_["wall"])
    return stages  # type: ignore[no-any-return]


def reread_rounds(size: int) -> list[dict[str, float]]:
    """Each round's ratios as measured last time (none when never measured)."""
    path = OUT / f"rounds-{size}.json"
    return json.loads(path.read_text()) if path.exists() else []  # type: ignore[no-any-return]


def save_progress(size: int, results: dict[str, object], kind: str = "") -> None:
    """Keep what has been measured so far, so that a failure later loses nothing."""
    name = f"progress-{size}-{kind}.json" if kind else f"progress-{size}.json"
    (OUT / name).write_text(json.dumps(results, indent=1, ensure_ascii=False))


def startup(size: int = UNIT_SIZE) -> dict[str, object]:
    """The `lianjie cycle` command on a one-unit roster: Prefect's fixed cost, measured apart."""
    work = OUT / "startup"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    write_csv(work / "roster.csv", HEADER, roster_rows(1, size, date(2026, 10, 1)))
    env = os.environ | {
        "LIANJIE_DATA_DIR": str(work),
        "PREFECT_HOME": str(work / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    command = [
        sys.executable,
        "-m",
        "lianjie.cli",
        "cycle",
        "--quarter",
        "2026Q4",
        "--roster",
        str(work / "roster.csv"),
        "--as-of",
        "2026-10-01",
        "--json",
    ]
    results = {
        "embedded_fresh_home": measured(*command, env=env),
        "embedded_warm_home": measured(*command, env=env),
    }
    with prefect_server(work / "server") as server:
        served = env | {"PREFECT_API_URL": server["PREFECT_API_URL"]}
        results["running_server_first_run"] = measured(*command, env=served)
        results["running_server"] = measured(*command, env=served)
    return results


def markdown(results: dict[str, object]) -> str:
    lines = [
        f"Measured {results['date']} on {results['machine']}.",
    ]
    for size, ratios in results.get("rounds", {}).items():  # type: ignore[attr-defined]
        if len(ratios) > 1:
            lines.append(
                f"At {size} the table shows round {median_round(ratios) + 1} of {len(ratios)} (the "
                "median by the cycle's ratio to its same-rows floor); each ratio under it is "
                "the median of its own rounds."
            )
    lines += [
        "",
        "| size | stage | work s | process wall s | process CPU s | peak MiB | counts |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, stages in results["sizes"].items():  # type: ignore[attr-defined]
        for name, r in stages.items():
            counts = r["output"].get("counts", r["output"])
            if isinstance(counts, dict):
                counts = {k: round(v, 3) if isinstance(v, float) else v for k, v in counts.items()}
            lines.append(
                f"| {size} | {name} | {r['work']:.2f} | {r['wall']:.2f} | {r['cpu']:.2f} | "
                f"{r['peak_mib']:.0f} | {json.dumps(counts, ensure_ascii=False)} |"
            )
    for name, r in results.get("startup", {}).items():  # type: ignore[attr-defined]
        lines.append(
            f"| 250 | startup: {name} | {r['wall']:.2f} | {r['wall']:.2f} | {r['cpu']:.2f} | "
            f"{r['peak_mib']:.0f} | |"
        )
    lines += ["", "Derived:", ""]
    lines += [f"- {key}: {value}" for key, value in results["derived"].items()]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"


def bare_render(stages: dict[str, dict]) -> float:
    """The bare render's time per PDF around the reports stage: the mean of the floor measured
    just before it and just after (only after, in results from before both were measured)."""
    floors = [stages[name] for name in ("floor_render_before", "floor_render") if name in stages]
    return sum(f["output"]["per_pdf"] for f in floors) / len(floors)


def derived(
    results: dict[str, dict[str, dict]], rounds: dict[str, list[dict[str, float]]] | None = None
) -> dict[str, str]:
    found: dict[str, str] = {}
    for size, stages in results.items():
        cycle = sum(stages[name]["work"] for name in CYCLE)
        found[f"cycle {size}: import → messages planned"] = f"{cycle:.1f} s"
        ratios = (rounds or {}).get(size) or [round_ratios(stages)]
        for ratio, _, _, line in RATIOS:
            if all(ratio in r for r in ratios):
                found[line.format(size=size)] = ratio_line(
                    [r[ratio] for r in ratios], [r[f"{ratio}_floor"] for r in ratios]
                )
        if "reports" in stages:
            pdfs = stages["reports"]["output"]["counts"]["pdfs"]
            per_pdf = stages["reports"]["work"] / pdfs
            bare = bare_render(stages)
            counts = stages["reports"]["output"]["counts"]
            found[f"reports {size}: wall per PDF (2 processes)"] = (
                f"{per_pdf:.3f} s = {per_pdf / bare:.2f}× the bare render ({bare:.3f} s, "
                "the mean of before and after), "
                f"{pdfs / stages['reports']['work']:.1f} PDFs/s"
            )
            # Whole: the stage's process from its start to its end (interpreter, imports, the
            # flow run, the render pool's start, writing), as an operator's command is timed.
            whole = stages["reports"]["wall"] / pdfs
            found[f"reports {size}: whole stage per PDF, process start to end"] = (
                f"{whole:.3f} s = {whole / bare:.2f}× the bare render"
            )
            if "render_s" in counts:
                rendering = counts["render_s"] / pdfs
                found[f"reports {size}: rendering alone per PDF"] = (
                    f"{rendering:.3f} s = {rendering / bare:.2f}× the bare render "
                    f"(preparing the numbers: {counts['prepare_s']:.1f} s in all)"
                )
            bare_page = bare / stages["floor_render"]["output"]["pages"]
            per_page = stages["reports"]["work"] / counts["pages"]
            found[f"reports {size}: per page"] = (
                f"{per_page:.3f} s = {per_page / bare_page:.2f}× the bare render's "
                f"{bare_page:.3f} s"
            )
            rows = stages["completions"]["output"]["counts"]["rows"]
            found[f"completions {size}"] = f"{rows / stages['completions']['work']:.0f} rows/s"
            sent = stages["dispatch"]["output"]["counts"]["email"]
            outbox_rate = sent / stages["dispatch"]["work"]
            found[f"dispatch {size}"] = f"{outbox_rate:.0f} e-mails/s"
            if "dispatch-smtp" in stages:
                smtp = stages["dispatch-smtp"]["output"]["counts"]
                rate = smtp["email"] / smtp["work"]
                found[f"dispatch over SMTP {size}"] = (
                    f"{rate:.0f} e-mails/s = {rate / outbox_rate:.2f}× the file outbox; "
                    f"{smtp['received']} received of {smtp['email']} sent, "
                    f"{smtp['doubled']} doubled, over {smtp['connections']} connections"
                )
        found[f"peak memory {size}"] = f"{max(s['peak_mib'] for s in stages.values()):.0f} MiB"
    sizes = sorted(results, key=int)
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        ratio = sum(results[large][n]["work"] for n in CYCLE) / sum(
            results[small][n]["work"] for n in CYCLE
        )
        found[f"cycle time {large} / {small}"] = (
            f"{ratio:.1f} (linear would be {int(large) / int(small):.0f})"
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument(
        "--cycle-only",
        action="store_true",
        help="measure the cycle's stages again; keep the later stages from last time",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write results from the stages measured last time (progress files)",
    )
    parser.add_argument(
        "--bounded",
        action="store_true",
        help="only the stages whose memory grows (cycle, collect, prepared reports), on SQLite; "
        "prints each one's peak against 2 GiB",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="the same stages as --bounded, on a PostgreSQL cluster started for the run",
    )
    parser.add_argument(
        "--every-pdf",
        action="store_true",
        help="with --bounded or --postgres: the reports flow rendering every unit's PDF too",
    )
    parser.add_argument(
        "--reports-again",
        action="store_true",
        help="only the reports stage, --rounds times, on the quarter the last full run left, "
        "each round between two render floors",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure the cycle and its floors this many times; each ratio is their median",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.reports_again:
        for size in sizes:
            reports_rounds(size, args.rounds)
        return
    if args.bounded or args.postgres:
        for size in sizes:
            bounded(size, postgres=args.postgres, every_pdf=args.every_pdf)
        return
    rounds: dict[str, list[dict[str, float]]] = {}
    if args.report_only:
        measured_sizes = {str(s): reread(s) for s in sizes}
        rounds = {str(s): reread_rounds(s) for s in sizes}
    else:
        measured_sizes = {}
        for s in sizes:
            measured_sizes[str(s)], rounds[str(s)] = quarter(
                s, full=s == max(sizes), cycle_only=args.cycle_only, rounds=args.rounds
            )
    results: dict[str, object] = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "sizes": measured_sizes,
    }
    if not args.skip_startup:
        results["startup"] = startup()
    results["rounds"] = rounds
    results["derived"] = derived(results["sizes"], rounds)  # type: ignore[arg-type]
    (OUT / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    (OUT / "results.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
