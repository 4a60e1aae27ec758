"""What the reports say about the files they were built from: the rows refused, the roster's
changes and its warnings, in the reader's language and with the columns named as the clerk
wrote them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.domain import Reject
from intake.completions import ALIASES as COMPLETION_ALIASES
from intake.roster import ALIASES as ROSTER_ALIASES
from policy.confidentiality import shown_reject
from policy.roster_warnings import RosterWarning
from reports.view import QuarterView

REJECTS_SHOWN = 50  # the rest are in `lianjie export … rejects`


# A file's column as its clerk wrote it: the first Chinese header of the contract.
CHINESE_HEADERS = {
    column: names[0]
    for aliases in (COMPLETION_ALIASES, ROSTER_ALIASES)
    for column, names in aliases.items()
}


def column_label(column: str, lang: str) -> str:
    return CHINESE_HEADERS.get(column, column) if lang == "zh" else column


def reject_reason(reject: Reject, labels: dict[str, Any]) -> str:
    """A rejected row's reason in the report's language (the stored text when it has no code)."""
    return _worded(labels["reasons"].get(reject.code), reject.params, labels, reject.reason)


def _worded(words: str | None, params: dict[str, str], labels: dict[str, Any], said: str) -> str:
    """A coded text in the report's language, its column named as a clerk names it; `said`
    (the stored text) when the language has no words for the code or they do not fit."""
    if words is None:
        return said
    named = dict(params)
    if "column" in named:
        lang = "zh" if labels["lang_tag"].startswith("zh") else "en"
        named["column"] = column_label(named["column"], lang)
    try:
        return str(words.format(**named))
    except (KeyError, IndexError, ValueError):
        return said


def rejects_shown(view: QuarterView) -> dict[str, Any]:
    """The first rows refused (never what names the confidential programme), and how many
    more."""
    rejects = [shown_reject(r) for r in view.data.rejects]
    return {
        "rejects": [
            {
                "source": Path(r.source).name,
                "sheet": r.sheet,
                "row": r.row,
                "column": column_label(r.column, view.lang),
                "reason": reject_reason(r, view.labels),
                "kept": bool(r.kept_from),
            }
            for r in rejects[:REJECTS_SHOWN]
        ],
        "more_rejects": max(0, len(rejects) - REJECTS_SHOWN),
    }


# The summary names moves of post, unit and role; discipline changes stay with the
# confidential list, and the export has every field.
SHOWN_CHANGES = {"", "post", "unit_code", "leadership_role"}
CHANGES_SHOWN = 50


def roster_changes(view: QuarterView) -> dict[str, Any]:
    """The quarter's joiners, leavers and moves, and the roster's warnings."""
    shown = [c for c in view.data.changes if c.field in SHOWN_CHANGES and c.change.value != "kept"]
    return {
        "roster_changes": [
            {
                "employee_id": c.employee_id,
                "name": c.name,
                "unit_code": c.unit_code,
                "change": view.labels.get(f"change_{c.change.value}", c.change.value),
                "field": view.labels.get(f"field_{c.field}", c.field) if c.field else "",
                "before": c.before or "",
                "after": c.after or "",
            }
            for c in shown[:CHANGES_SHOWN]
        ],
        "more_changes": max(0, len(shown) - CHANGES_SHOWN),
        "roster_warnings": [
            warning_text(RosterWarning.from_stored(w), view.labels)
            for w in view.data.roster_warnings
        ],
    }


def warning_text(warning: RosterWarning, labels: dict[str, Any]) -> str:
    """A roster warning in the report's language (its English text where the language has no
    words for it, or it was stored before warnings had codes)."""
    params = dict(warning.params)
    if "tracks" in params:
        names = labels["track_names"]
        params["tracks"] = "、".join(names.get(t, t) for t in params["tracks"].split(","))
    if "named" in params and labels["lang_tag"].startswith("zh"):
        params["named"] = params["named"].replace(", ", "、")
    if "others" in params:
        others = int(params["others"])
        params["and_more"] = labels["and_more"].format(others=others) if others > 0 else ""
    words = labels.get("roster_warning_texts", {}).get(warning.code)
    return _worded(words, params, labels, str(warning))
