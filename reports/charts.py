"""Chart geometry: every length, offset and label the report's SVG charts draw, computed here
so that the templates only place what they are given."""

from __future__ import annotations

from typing import Any

from reports.tally import Tally

# The completion chart: one horizontal bar per track, its name on the left, its rate on the right.
CHART_WIDTH = 480  # px of the whole chart
CHART_LABEL_X = 0  # where a track's name starts
CHART_BAR_X = 120  # where the bars start, right of the longest track name
CHART_TRACK = 300  # px of a 100 % bar
CHART_VALUE_X = 426  # where a bar's percentage starts, right of the longest bar
BAR_HEIGHT = 14
BAR_PITCH = 22  # px from one bar to the next
BAR_TOP = 3  # a bar's top below its row's top
TEXT_BASELINE = 14  # a row's texts sit on this line, level with the bar's lower part
CHART_BOTTOM = 6  # room below the last bar for the descenders of its texts

# The trend chart: one column per quarter, the current one last.
TREND_HEIGHT = 80  # px of a 100 % column
TREND_PITCH = 90  # px from one quarter's column to the next
TREND_COLUMN = 40  # px of a column's width
TREND_TOP = 14  # room above a full column for its percentage
TREND_COLUMN_X = 20  # a column's left edge in its quarter's slot
TREND_VALUE_X = 22  # its percentage, just inside the column's left edge
TREND_VALUE_GAP = 3  # its percentage's baseline above the column
TREND_LABEL_X = 18  # the quarter's label, under the column
TREND_LABEL_Y = 14  # the label's baseline below the axis
TREND_BOTTOM = 20  # room below the axis for the labels


def bar_chart(rows: list[tuple[str, Tally]]) -> dict[str, Any]:
    """The completion chart: a bar per (name, tally), positioned top to bottom."""
    bars = []
    for index, (label, counts) in enumerate(rows):
        top = index * BAR_PITCH
        bars.append(
            {
                "label": label,
                "percent": counts.percent,
                "y": top,
                "width": round((counts.rate or 0.0) * CHART_TRACK, 1),
                "text_y": top + TEXT_BASELINE,
                "bar_y": top + BAR_TOP,
            }
        )
    return {
        "bars": bars,
        "height": len(bars) * BAR_PITCH + CHART_BOTTOM,
        "width": CHART_WIDTH,
        "track_width": CHART_TRACK,
        "label_x": CHART_LABEL_X,
        "bar_x": CHART_BAR_X,
        "bar_height": BAR_HEIGHT,
        "value_x": CHART_VALUE_X,
    }


def completion_chart(track_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The completion chart of a report's tracks: a bar for each track with people on it."""
    return bar_chart([(row["name"], row["tally"]) for row in track_rows if row["people"]])


def trend_chart(points: list[tuple[str, Tally]]) -> dict[str, Any]:
    """Quarters' completion as positioned columns (the last one current), and the last change."""
    bars = []
    for index, (label, counts) in enumerate(points):
        height = round((counts.rate or 0.0) * TREND_HEIGHT, 1)
        x, y = index * TREND_PITCH, TREND_HEIGHT - height + TREND_TOP
        bars.append(
            {
                "label": label,
                "percent": counts.percent,
                "height": height,
                "rect_x": x + TREND_COLUMN_X,
                "y": y,
                "value_x": x + TREND_VALUE_X,
                "value_y": y - TREND_VALUE_GAP,
                "label_x": x + TREND_LABEL_X,
                "current": index == len(points) - 1,
            }
        )
    return {
        "bars": bars,
        "change": _change(points),
        "width": len(points) * TREND_PITCH,
        "height": TREND_HEIGHT + TREND_TOP + TREND_BOTTOM,
        "axis_x": 0,
        "axis_y": TREND_HEIGHT + TREND_TOP,
        "label_y": TREND_HEIGHT + TREND_TOP + TREND_LABEL_Y,
        "column_width": TREND_COLUMN,
    }


def _change(points: list[tuple[str, Tally]]) -> str | None:
    """The last quarter's rate against the one before, in signed points; None without both."""
    if len(points) < 2:
        return None
    before, last = points[-2][1].rate, points[-1][1].rate
    if before is None or last is None:
        return None
    return f"{(last - before) * 100:+.1f}"
