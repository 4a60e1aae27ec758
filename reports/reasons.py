"""Why a cadre is on a track, in the document's words: the classifier's reason code and values
(policy/classify.py REASONS) worded from labels.toml, each value in the reader's terms."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.domain import TrackAssignment
from reports.wording import long_day

DAYS = {"on", "as_of"}


def track_reason(placed: TrackAssignment, labels: dict[str, Any], units: dict[str, str]) -> str:
    """The reason in the labels' language; as stored when its code has no words (a row of an
    earlier version, or a code this version does not know)."""
    words = labels["track_reasons"].get(placed.code)
    if words is None:
        return placed.reason
    lang = "zh" if labels["lang_tag"].startswith("zh") else "en"
    values = {name: _value(name, value, labels, units, lang) for name, value in placed.params}
    try:
        return str(words.format(**values))
    except (KeyError, IndexError, ValueError):
        return placed.reason


def _value(name: str, value: str, labels: dict[str, Any], units: dict[str, str], lang: str) -> str:
    separator = labels["list_separator"]
    if name in DAYS:
        return long_day(date.fromisoformat(value), lang)
    if name == "rank":
        return str(labels["rank_names"].get(value, value))
    if name == "role":
        return str(labels["track_names"].get(value, value))
    if name == "areas":
        return str(separator).join(labels["area_names"].get(a, a) for a in value.split("/"))
    if name == "units":
        return str(separator).join(units.get(code, code) for code in value.split(", "))
    return value
