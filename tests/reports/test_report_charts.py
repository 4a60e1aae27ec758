"""Chart geometry is computed in reports/charts.py, and the templates draw only what it gives."""

from __future__ import annotations

import itertools
from typing import Any

from reports.charts import (
    BAR_PITCH,
    CHART_TRACK,
    TREND_HEIGHT,
    TREND_PITCH,
    TREND_TOP,
    bar_chart,
    completion_chart,
    trend_chart,
)
from reports.render import environment, labels
from reports.tally import Tally

HALF = Tally(complete=1, overdue=1)
FULL = Tally(complete=4)
NONE_REQUIRED = Tally()


class TestBarChart:
    def test_a_bar_is_as_long_as_its_rate(self) -> None:
        """A full bar spans the track, a half bar half of it, a track with no places none."""
        chart = bar_chart([("a", FULL), ("b", HALF), ("c", NONE_REQUIRED)])
        assert [CHART_TRACK, CHART_TRACK / 2, 0] == [bar["width"] for bar in chart["bars"]]
        assert ["100.0%", "50.0%", "—"] == [bar["percent"] for bar in chart["bars"]]

    def test_bars_are_stacked_one_pitch_apart(self) -> None:
        """Each bar starts one pitch below the one before, and the chart is tall enough for all."""
        chart = bar_chart([("a", FULL), ("b", HALF), ("c", HALF)])
        tops = [bar["bar_y"] for bar in chart["bars"]]
        assert [BAR_PITCH, BAR_PITCH] == [b - a for a, b in itertools.pairwise(tops)]
        assert chart["height"] > tops[-1] + chart["bar_height"]

    def test_texts_sit_on_their_bars(self) -> None:
        """A bar's name and percentage share a baseline inside the bar's height."""
        chart = bar_chart([("a", FULL)])
        [bar] = chart["bars"]
        assert bar["bar_y"] < bar["text_y"] <= bar["bar_y"] + chart["bar_height"]
        assert chart["bar_x"] + chart["track_width"] < chart["value_x"] < chart["width"]

    def test_the_completion_chart_leaves_out_tracks_with_nobody(self) -> None:
        """Only tracks with people on them get a bar, in the tracks' order."""
        rows = [
            {"name": "在职", "people": 3, "tally": HALF},
            {"name": "警示", "people": 0, "tally": NONE_REQUIRED},
            {"name": "新提任", "people": 1, "tally": FULL},
        ]
        assert ["在职", "新提任"] == [bar["label"] for bar in completion_chart(rows)["bars"]]


class TestTrendChart:
    def test_columns_are_one_pitch_apart_and_the_last_is_current(self) -> None:
        """Four quarters give four columns, a pitch apart; only the last is the current one."""
        trend = trend_chart(
            [("2026Q1", HALF), ("2026Q2", HALF), ("2026Q3", FULL), ("2026Q4", FULL)]
        )
        xs = [bar["rect_x"] for bar in trend["bars"]]
        assert [TREND_PITCH] * 3 == [b - a for a, b in itertools.pairwise(xs)]
        assert [False, False, False, True] == [bar["current"] for bar in trend["bars"]]
        assert 4 * TREND_PITCH == trend["width"]

    def test_a_column_stands_on_the_axis_and_is_as_tall_as_its_rate(self) -> None:
        """A full column reaches the top margin, a half one half way; both end on the axis."""
        full, half = trend_chart([("2026Q3", FULL), ("2026Q4", HALF)])["bars"]
        assert (TREND_HEIGHT, TREND_HEIGHT / 2) == (full["height"], half["height"])
        assert TREND_TOP == full["y"]
        axis = TREND_HEIGHT + TREND_TOP
        assert [axis, axis] == [bar["y"] + bar["height"] for bar in (full, half)]

    def test_the_change_is_in_signed_points(self) -> None:
        """From 50 % to 100 % is +50.0 points; a drop is negative."""
        assert "+50.0" == trend_chart([("2026Q3", HALF), ("2026Q4", FULL)])["change"]
        assert "-50.0" == trend_chart([("2026Q3", FULL), ("2026Q4", HALF)])["change"]

    def test_no_change_without_two_rates(self) -> None:
        """One quarter alone, or a quarter with no places, has no change to show."""
        assert None is trend_chart([("2026Q4", FULL)])["change"]
        assert None is trend_chart([("2026Q3", NONE_REQUIRED), ("2026Q4", FULL)])["change"]


def drawn(macro: str, chart: dict[str, Any]) -> str:
    template = environment().from_string(
        f'{{% from "macros.html.j2" import {macro} %}}{{{{ {macro}(t, chart) }}}}'
    )
    return template.render(t=labels("zh"), chart=chart)


class TestTemplatesDrawWhatTheyAreGiven:
    def test_the_bar_chart_takes_every_position_from_its_chart(self) -> None:
        """Moving the chart's geometry moves what is drawn: no position is written in the macro."""
        chart = bar_chart([("在职", HALF)]) | {
            "width": 901,
            "label_x": 902,
            "bar_x": 903,
            "bar_height": 904,
            "value_x": 905,
            "track_width": 906,
        }
        svg = drawn("bar_chart", chart)
        expected = {
            'width="901"': 1,
            'viewBox="0 0 901 ': 1,
            '<text x="902"': 1,
            '<rect x="903"': 2,
            'height="904"': 2,
            '<text x="905"': 1,
            'width="906"': 1,
        }
        assert expected == {attribute: svg.count(attribute) for attribute in expected}

    def test_the_trend_chart_takes_every_position_from_its_trend(self) -> None:
        """The axis and the columns' width come from the trend, like the columns themselves."""
        trend = trend_chart([("2026Q4", HALF)]) | {"axis_x": 907, "column_width": 908}
        svg = drawn("trend_chart", trend)
        expected = {'x1="907"': 1, 'width="908"': 1}
        assert expected == {attribute: svg.count(attribute) for attribute in expected}
