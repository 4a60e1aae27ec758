"""The PDFs people read: correct numbers, Chinese in a CJK font, safe with hostile names."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.domain import Quarter
from flows.collect import import_completions
from harness.factories import roster_row, write_roster
from harness.pdfs import text_of
from harness.pipeline import REPORTED_AT, prepared, run_cycle, run_settings, write_city
from harness.servers import sms_gateway
from lianjie.exports import Export, build_rows
from lianjie.synthetic import COMPLETION_HEADER, completion_rows, write_csv
from models.db import session_for
from models.facts import load_quarter
from policy.progress import Standing
from reports.render import RenderJob, render_many, render_pdf, safe_file_name


def bookmarks(outline: list) -> set[str]:  # type: ignore[type-arg]
    """Every bookmark title, nested ones included."""
    return {
        t for item in outline for t in (bookmarks(item) if isinstance(item, list) else {item.title})
    }


@pytest.fixture
def city(db_url: str, tmp_path: Path) -> str:
    """A small city's quarter with sessions held and sign-in sheets collected."""
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
    assert data is not None
    held = {s.code: s for s in data.sessions}
    enrolled = [
        (code, who, held[code].programme_code, held[code].held_on)
        for code, who, status in data.enrolments
        if status == "enrolled"
    ]
    sheet = write_csv(
        tmp_path / "sheet.csv",
        COMPLETION_HEADER,
        completion_rows(sorted(enrolled), data.sessions[-1].held_on),
    )
    import_completions.fn(run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(sheet))
    return db_url


class TestUnitReport:
    def test_numbers_match_the_export(self, city: str, tmp_path: Path) -> None:
        """Outstanding people in a unit's PDF are exactly the export's, and the rate matches."""
        jobs = prepared(city, tmp_path / "out", ["U0001"])
        [(summary, job)] = jobs
        render_pdf(job)
        text = text_of(job.path)
        with session_for(city) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        rows = [
            r
            for r in build_rows(
                Export.outstanding, data, [], confidential=False, as_of=REPORTED_AT.date()
            )
            if r["unit_code"] == "U0001" and r["track"] != "admonition"
        ]
        assert len(rows) == len(job.context["outstanding"])
        for row in rows:
            assert row["employee_id"] in text
        assert summary.rate in text
        assert job.context["overall"].percent == summary.rate

    def test_key_posts_outstanding_in_the_table_complete_named_after_it(
        self, city: str, tmp_path: Path
    ) -> None:
        """Every key-post holder is in the report: those with work left in the table, the rest
        in one line after it, so that the section stays short for a large unit."""
        job = next(
            job
            for summary, job in prepared(city, tmp_path / "out")
            if summary.kind == "unit"
            and len({r["done"] for r in job.context["key_posts"]}) == 2  # both kinds
        )
        render_pdf(job)
        text = text_of(job.path).replace("\n", "")
        rows = job.context["key_posts"]
        done = [r for r in rows if r["done"]]
        section = text[text.index("重点领域关键岗位姓名") :]  # the section's table header
        table, _, listed = section.partition(f"已完成（{len(done)} 人）：")
        assert listed, "the complete ones are counted"
        for row in rows:
            if row["done"]:
                assert f"{row['name']}（{row['post']}）" in listed
                assert f"{row['name']}{row['post']}" not in table.replace(" ", "")
            else:
                assert f"{row['name']}{row['post']}" in table.replace(" ", "")

    def test_chinese_is_embedded_in_a_cjk_font(self, city: str, tmp_path: Path) -> None:
        """Noto CJK is embedded with Identity-H encoding (boxes would show as Custom)."""
        [(_, job)] = prepared(city, tmp_path / "out", ["U0002"])
        render_pdf(job)
        fonts = subprocess.run(
            ["pdffonts", str(job.path)], capture_output=True, text=True, check=True
        ).stdout
        assert "CJK" in fonts
        cjk = [line for line in fonts.splitlines() if "CJK" in line]
        assert all("Identity-H" in line for line in cjk)
        # One face of one typeface: each face a PDF uses is subset anew for every PDF, a
        # tenth of a report's time for a CJK face (issue 41)
        assert len(cjk) == 1, fonts
        # 问责 is a formal procedure: a routine report is a 落实情况报告 (issue 38)
        assert "党风廉政教育季度落实情况报告" in text_of(job.path)
        assert "问责" not in text_of(job.path)

    def test_pages_metadata_and_bookmarks(self, city: str, tmp_path: Path) -> None:
        """Page X of Y on every page, a title and subject, and a bookmark per section."""
        [(_, job)] = prepared(city, tmp_path / "out", ["U0001"])
        done = render_pdf(job)
        reader = PdfReader(job.path)
        assert done.pages == len(reader.pages) >= 2
        assert f"第 {done.pages} 页，共 {done.pages} 页".replace(" ", "") in (
            reader.pages[-1].extract_text().replace(" ", "")
        )
        assert "党风廉政教育季度落实情况报告 · 市委办公室 · 2026年第四季度" == reader.metadata.title
        assert "领导班子" in reader.metadata.subject
        marks = bookmarks(reader.outline)
        assert {"责任落实（一岗双责）", "分类施教情况"} <= marks
        overview = "概况（统计截至 2026年11月20日 18:36 北京时间）"
        assert any(mark.startswith(overview) for mark in marks)

    def test_english(self, city: str, tmp_path: Path) -> None:
        """--lang en renders the same report in English."""
        [(_, job)] = prepared(city, tmp_path / "out", ["U0001"], lang="en")
        render_pdf(job)
        assert "implementation" in text_of(job.path) and "Q4 2026" in text_of(job.path)


class TestTrend:
    def test_last_quarters_and_the_change(self, db_url: str, tmp_path: Path) -> None:
        """A unit's report shows earlier quarters' rates and the change from the last one."""
        from datetime import date

        roster = write_city(tmp_path)
        run_cycle(db_url, roster, tmp_path / "cards", quarter="2026Q3", as_of=date(2026, 7, 1))
        run_cycle(db_url, roster, tmp_path / "cards")
        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        first = data.sessions[0]
        attended = [(code, who) for code, who, _ in data.enrolments if code == first.code]
        sheet = write_csv(
            tmp_path / "q4.csv",
            COMPLETION_HEADER,
            [[who, code, "", "", "已参加", "", ""] for code, who in attended],
        )
        import_completions.fn(run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(sheet))
        [(_, job)] = prepared(db_url, tmp_path / "out", ["U0001"])
        trend = job.context["trend"]
        assert ["2026年第三季度", "2026年第四季度"] == [bar["label"] for bar in trend["bars"]]
        assert "0.0%" == trend["bars"][0]["percent"]
        assert trend["change"] is not None and trend["change"].startswith("+")
        render_pdf(job)
        assert "2026年第三季度" in text_of(job.path)


class TestSummary:
    def test_lists_units_by_rate_and_the_rejected_rows(self, city: str, tmp_path: Path) -> None:
        """The organisation summary ranks every unit and shows the roster rows not imported."""
        jobs = prepared(city, tmp_path / "out")
        [job] = [job for summary, job in jobs if summary.kind == "summary"]
        render_pdf(job)
        text = "".join(text_of(job.path).split())
        rates = [row["tally"].rate for row in job.context["ranking"]]
        assert rates == sorted(rates, reverse=True)
        assert 4 == len(rates)
        # the reasons and columns in the report's language
        assert "手机“138001380”不是有效的手机号码" in text
        assert "党风廉政教育季度汇总报告 · 2026年第四季度" == PdfReader(job.path).metadata.title
        assert "工号工号E000006重复，首次出现在第7行" in text
        assert "isnot" not in text and "duplicate" not in text

    def test_a_row_number_of_a_big_sheet_stays_on_one_line(self, city: str, tmp_path: Path) -> None:
        """A province's sign-in sheet runs to millions of rows: a rejected row's number is read
        whole, not broken over two lines ("225426" above "2")."""
        jobs = prepared(city, tmp_path / "out")
        [job] = [job for summary, job in jobs if summary.kind == "summary"]
        rejects = job.context["rejects"]
        rejects[0] = rejects[0] | {"row": 2254262}
        render_pdf(job)
        assert "2254262" in text_of(job.path)

    def test_names_the_units_whose_key_posts_have_education_left(
        self, city: str, tmp_path: Path
    ) -> None:
        """The key-area section lists exactly the units the outstanding export has key-post
        rows for, with their counts; the others are counted as complete."""
        [(_, job)] = [(s, j) for s, j in prepared(city, tmp_path / "out") if s.kind == "summary"]
        render_pdf(job)
        text = "".join(text_of(job.path).split())
        with session_for(city) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        left = Counter(
            r["unit_code"]
            for r in build_rows(
                Export.outstanding, data, [], confidential=False, as_of=REPORTED_AT.date()
            )
            if r["track"] == "key_area"
        )
        listed = job.context["key_area_units"]
        assert left, "the city should have key posts with education left"
        assert set(left) == {u.code for u in listed}
        for unit in listed:
            assert left[unit.code] == unit.tally.left > 0
            counts = "".join(str(unit.tally.of(s)) for s in Standing)
            assert f"{unit.name}{unit.code}{unit.people}{unit.tally.required}{counts}" in text
        holders = {
            c.unit_code for c in data.cadres if "key_area" in data.tracks.get(c.employee_id, {})
        }
        assert len(holders) - len(listed) == job.context["key_area_units_complete"]


class TestConfidentiality:
    def test_admonition_names_only_in_the_confidential_report(
        self, city: str, tmp_path: Path
    ) -> None:
        """Team reports and the summary show admonition counts; names go to one report only."""
        with session_for(city) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        admonished = {
            c.name for c in data.cadres if "admonition" in data.tracks.get(c.employee_id, {})
        }
        assert admonished, "the synthetic city should have admonition cadres"
        jobs = prepared(city, tmp_path / "out")
        render_many([job for _, job in jobs])
        for summary, job in jobs:
            text = text_of(job.path)
            found = {name for name in admonished if name in text}
            if summary.kind == "confidential":
                assert admonished == found
            else:
                outstanding_names = {r["name"] for r in job.context.get("outstanding", [])}
                key_names = {r["name"] for r in job.context.get("key_posts", [])}
                leaders = {r["name"] for r in job.context.get("responsibility", [])}
                # An admonition cadre may appear for another reason (their other tracks), but
                # never in an admonition list: the context holds no admonition rows by name.
                assert found <= outstanding_names | key_names | leaders
                assert all(r["programme"] != "警示教育" for r in job.context.get("outstanding", []))


class TestHostileInput:
    def test_markup_in_names_is_shown_literally_and_nothing_is_fetched(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """A name with HTML, CSS and links shows as text; the local server gets no request."""
        with sms_gateway() as (url, received):
            base = url.replace("user:s3cret@", "").rsplit("/", 1)[0]
            # within each column's length: the name 64 characters, the post and unit name 128
            roster = write_roster(
                tmp_path / "r.csv",
                [
                    roster_row(
                        1,
                        姓名=f'<img src="{base}/img.png">李<b>四</b>',
                        职务='<link rel="attachment" href="file:///etc/passwd">',
                        班子职务="一把手",
                        单位名称=f'../../etc/<i>局</i><style>@import "{base}/x.css";</style>',
                        单位编码="U1",
                    ),
                    # a unit code that is a path is not a unit code: the row is refused
                    roster_row(2, 单位编码="../U1"),
                ],
            )
            run_cycle(db_url, roster, tmp_path / "cards")
            [(_summary, job)] = prepared(db_url, tmp_path / "out", ["U1"])
            render_pdf(job)
            requests = list(received)
        text = "".join(text_of(job.path).split())  # long names wrap across lines
        assert "李<b>四</b>" in text
        # the post wraps beside the name in its table cell: its pieces, each shown as text
        assert 'href="file:///etc/' in text and 'passwd">' in text
        assert "<style>@import" in text
        assert [] == requests
        assert job.path.parent == tmp_path / "out"
        assert "/" not in job.path.name and ".." not in job.path.name
        # only what lianjie embeds: no file the markup asked for
        assert {"standings.csv", "manifest.json"} == set(PdfReader(job.path).attachments)

    def test_safe_file_names(self) -> None:
        """Unit codes never make paths: unsafe characters go, a hash keeps names apart."""
        assert "2026Q4-U01-zh.pdf" == safe_file_name("2026Q4", "U01", "zh")
        odd = safe_file_name("2026Q4", "../../etc", "zh")
        assert "/" not in odd and not odd.startswith(".")
        assert odd != safe_file_name("2026Q4", "..__etc", "zh")


class TestRendering:
    def test_same_input_gives_identical_bytes(self, tmp_path: Path) -> None:
        """Rendering is deterministic, so a PDF can be checked for any change at all."""
        from reports.render import labels

        context = {
            "t": labels("zh"),
            "organisation": "示范市",
            "holiday": "春节",
            "start": "2026年2月15日",
            "estimated": False,
            "dated": "2026年2月10日",
        }
        first = render_pdf(RenderJob("greeting_card.html.j2", context, tmp_path / "a.pdf"))
        second = render_pdf(RenderJob("greeting_card.html.j2", context, tmp_path / "b.pdf"))
        assert first.sha256 == second.sha256
        assert 1 == first.pages
        assert not list(tmp_path.glob(".*.tmp"))


def test_a_render_worker_keeps_what_it_inherited_out_of_the_collector() -> None:
    """A worker forked from a flow's process inherits some 275,000 objects (Prefect, the models,
    the fonts) that never become garbage; while the collector walked them on every full
    collection, a unit report took a fifth more CPU time."""
    import gc

    from reports.render import _pool, start_renderers

    start_renderers(2)
    assert _pool(2).submit(gc.get_freeze_count).result() > 10_000
