"""Progress on long work: in the log, on a terminal, in the Prefect UI; never in the way."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from flows import progress
from flows.progress import LogLines, Stage, progress_line, stage
from lianjie.terminal import Shown, _Forgiving, shown


class Told:
    def __init__(self) -> None:
        self.moves: list[tuple[str, int, int]] = []
        self.ends: list[tuple[str, int, int]] = []

    def moved(self, doing: str, done: int, total: int) -> None:
        self.moves.append((doing, done, total))

    def ended(self, doing: str, done: int, total: int) -> None:
        self.ends.append((doing, done, total))


class Broken:
    def moved(self, doing: str, done: int, total: int) -> None:
        raise OSError("the terminal is gone")

    def ended(self, doing: str, done: int, total: int) -> None:
        raise OSError("the terminal is gone")


class TestTheProgressCard:
    def test_its_description_says_how_far_in_numbers(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Issue 39: the card showed a bar and what was being done, never how far: an operator
        watching 85 s of rendering read 0 % and nothing else. Each update now says it, in
        the operator's language."""
        said = self.cards(monkeypatch)
        card = progress.ProgressArtifact("reports-2026Q4", "rendering reports", "en")
        card.ended("rendering reports", 1, 4)
        card.ended("rendering reports", 4, 4)
        assert [0.0, 25.0, 100.0] == [value for _, value, _ in said]
        assert "rendering reports" == said[0][2]
        assert said[1][2].startswith("rendering reports: 1 of 4 (25 %)")
        assert said[2][2].startswith("rendering reports: 4 of 4 (100 %)")

        chinese = progress.ProgressArtifact("reports-2026Q3", "rendering reports", "zh")
        chinese.ended("rendering reports", 4, 4)
        assert "正在生成报告" == said[3][2]
        assert said[4][2].startswith("正在生成报告：4 / 4（100%）")

    def test_a_stage_begun_again_in_the_same_run_moves_the_same_card(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A cycle that paused to ask about its leavers began its stage again once answered:
        a second card moved to 100 % and the first stayed at "importing the roster" for good."""
        said = self.cards(monkeypatch)
        first = progress.ProgressArtifact("cycle-2026Q3", "importing the roster", "en")
        again = progress.ProgressArtifact("cycle-2026Q3", "importing the roster", "en")
        other = progress.ProgressArtifact("cycle-2026Q4", "importing the roster", "en")
        assert first.id == again.id != other.id
        assert 2 == len({card for card, _, _ in said})

    @staticmethod
    def cards(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float, str]]:
        """What the server is told: (card, progress, description), a new card's included."""
        said: list[tuple[str, float, str]] = []
        made = iter(range(100))

        def create(value: float, key: str, description: str) -> str:
            card = f"card-{next(made)}"
            said.append((card, value, description))
            return card

        monkeypatch.setattr(progress, "_CARDS", {})
        monkeypatch.setattr(progress, "create_progress_artifact", create)
        monkeypatch.setattr(
            progress,
            "update_progress_artifact",
            lambda card, value, description: said.append((card, value, description)),
        )
        return said


class TestStage:
    def test_each_item_is_a_step_once_its_loop_body_is_done(self) -> None:
        told = Told()
        work = Stage("sending e-mail", 3, [told])
        seen = []
        for item in work.each(["a", "b", "c"]):
            seen.append((item, work.done))  # the step is not done while its body runs
            if item == "b":
                continue
        work.end()
        assert [("a", 0), ("b", 1), ("c", 2)] == seen
        assert [1, 2, 3] == [done for _, done, _ in told.moves]
        assert [("sending e-mail", 3, 3)] == told.ends

    def test_a_stage_says_what_it_is_doing_now(self) -> None:
        told = Told()
        work = Stage("importing the roster", 4, [told])
        work.advance(doing="classifying cadres")
        assert ("classifying cadres", 1, 4) == told.moves[-1]

    def test_chunks_finishing_in_many_threads_add_up(self) -> None:
        work = Stage("rendering reports", 8000, [Told()])
        threads = [
            threading.Thread(target=lambda: [work.advance() for _ in range(1000)]) for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 8000 == work.done

    def test_a_watcher_that_fails_never_stops_the_work(self) -> None:
        told = Told()
        work = Stage("sending text messages", 2, [Broken(), told])
        for _ in work.each([1, 2]):
            pass
        work.end()
        assert 2 == work.done and told.ends

    def test_outside_a_run_there_is_no_artifact_and_the_terminal_watches_when_asked(
        self,
    ) -> None:
        told = Told()
        progress.TERMINALS.append(lambda doing, total: told)
        try:
            with stage("reading the record", 2, key="record-x") as work:
                work.advance(2)
        finally:
            progress.TERMINALS.clear()
        assert ("reading the record", 2, 2) == told.ends[0]


class TestLogLines:
    def test_a_line_every_tenth_of_the_way_and_at_the_end(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level("INFO", logger="lianjie")
        work = Stage("sending e-mail", 1000, [LogLines()])
        for _ in work.each(range(1000)):
            pass
        work.end()
        lines = [r.getMessage() for r in caplog.records]
        assert 10 == len(lines), lines
        assert lines[-1].startswith("sending e-mail: 1,000 of 1,000 (100 %)")

    def test_the_line_says_the_rate_and_the_time_left(self) -> None:
        line = progress_line("rendering reports", 125, 402, 50.0)
        assert "rendering reports: 125 of 402 (31 %), 2.5 a second, about 2 min left" == line
        assert "about" not in progress_line("rendering reports", 402, 402, 160.0)
        chinese = progress_line("rendering reports", 125, 402, 50.0, "zh")
        assert "正在生成报告：125 / 402（31%），每秒 2.5 个，约需 2 分钟" == chinese


class TestWhereItShows:
    @pytest.mark.parametrize(
        ("json_", "quiet", "verbose", "tty", "expected"),
        [
            (False, False, False, True, Shown.bars),
            (False, False, False, False, Shown.lines),
            (True, False, False, True, Shown.lines),
            (False, False, True, True, Shown.lines),
            (False, True, False, True, Shown.summary),
            (True, True, False, False, Shown.summary),
        ],
    )
    def test_bars_only_for_a_person_at_a_terminal(
        self, json_: bool, quiet: bool, verbose: bool, tty: bool, expected: Shown
    ) -> None:
        stream = io.StringIO()
        stream.isatty = lambda: tty  # type: ignore[method-assign]
        assert expected == shown(json_=json_, quiet=quiet, verbose=verbose, stream=stream)

    def test_a_closed_terminal_breaks_nothing(self) -> None:
        read, write = os.pipe()
        stream = os.fdopen(write, "w")
        os.close(read)  # nobody reads any more: the next write fails
        forgiving = _Forgiving(stream)
        for _ in range(3):
            forgiving.write("x" * 100_000)
            forgiving.flush()
        assert forgiving.broken and not forgiving.isatty()


LIANJIE = [sys.executable, "-m", "lianjie.cli"]


def in_a_terminal(args: list[str], env: dict[str, str], columns: int = 100) -> tuple[int, str]:
    """Run the command line under a pseudo-terminal; everything it showed, as text."""
    main, side = pty.openpty()
    process = subprocess.Popen(
        [*LIANJIE, *args],
        stdin=side,
        stdout=side,
        stderr=side,
        env=env | {"COLUMNS": str(columns), "TERM": "xterm-256color"},
        close_fds=True,
    )
    os.close(side)
    shown_bytes = bytearray()
    while True:
        ready, _, _ = select.select([main], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other side closed: the command ended
                break
            if not chunk:
                break
            shown_bytes += chunk
        elif process.poll() is not None:
            break
    os.close(main)
    return process.wait(timeout=60), shown_bytes.decode(errors="replace")


@pytest.mark.slow
class TestOnTheCommandLine:
    def test_bars_on_a_terminal_lines_when_piped_and_only_the_summary_when_quiet(
        self, tmp_path: Path, prefect_harness: str
    ) -> None:
        """The cycle piped with --json prints only JSON on stdout, and its stages as log
        lines; the reports under a terminal show a bar reaching 100 %, and leave a progress
        artifact at 100 % on the Prefect server; --quiet prints the summary and nothing else."""
        from harness.pipeline import write_city

        env = os.environ | {"PREFECT_API_URL": prefect_harness}
        roster = write_city(tmp_path)
        cycle = ["cycle", "-q", "2026Q4", "--roster", str(roster), "--as-of", "2026-10-01"]
        piped = subprocess.run(
            [*LIANJIE, *cycle, "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert 0 == piped.returncode, piped.stderr[-2000:]
        assert "2026Q4" == json.loads(piped.stdout)["quarter"]
        assert "━" not in piped.stdout + piped.stderr
        assert "planning messages: 4 of 6 (66 %)" in piped.stderr

        code, screen = in_a_terminal(
            ["report", "--quarter", "2026Q4", "--as-of", "2026-11-20"], env
        )
        assert 0 == code, screen[-2000:]
        assert "rendering reports" in screen and "━" in screen
        assert "100%" in screen
        assert "PDFs rendered" in screen  # the summary follows the bars

        code, narrow = in_a_terminal(
            # one unit's report is enough to draw a bar in 20 columns
            ["report", "--quarter", "2026Q4", "--as-of", "2026-11-20", "--unit", "U0001"],
            env,
            columns=20,
        )
        assert 0 == code, narrow[-2000:]

        quiet = subprocess.run(
            [
                *LIANJIE,
                "report",
                "-q",
                "2026Q4",
                "--as-of",
                "2026-11-20",
                "--unit",
                "U0001",
                "--quiet",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert 0 == quiet.returncode
        assert "" == quiet.stderr.strip()
        assert quiet.stdout.startswith("Quarter 2026Q4:")

        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
        from prefect.settings import PREFECT_API_URL, temporary_settings

        keys = ArtifactFilter(key=ArtifactFilterKey(any_=["progress-reports-2026q4"]))
        with (
            temporary_settings({PREFECT_API_URL: prefect_harness}),
            get_client(sync_client=True) as client,
        ):
            artifacts = client.read_artifacts(artifact_filter=keys)
        assert artifacts and all("progress" == a.type for a in artifacts)
        assert {100.0} == {float(a.data) for a in artifacts}  # type: ignore[arg-type]
