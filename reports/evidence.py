"""What a report carries inside (PDF/A-3 associated files): the rows its figures come from, as
CSV with the export's column names, and a manifest saying which quarter, unit and moment, which
policy and roster, and which lianjie made it. Built from the view the report reads: without the
admonition track in an ordinary report. Pure."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from core.columns import OUTSTANDING_COLUMNS
from models.facts import QuarterData
from reports.archival import Embedded
from reports.view import QuarterView

# The outstanding export's columns: these rows are the same, with the complete ones too.
STANDING_COLUMNS = OUTSTANDING_COLUMNS
UNIT_COLUMNS = ["unit_code", "name", "cadres", "required", "complete", "overdue", "rate"]


def unit_evidence(view: QuarterView, unit_code: str, kind: str) -> tuple[Embedded, ...]:
    """A unit report's standings (every requirement of the unit's cadres, as of the moment)
    and its manifest."""
    rows = [
        {
            "employee_id": r.employee_id,
            "name": cadre.name,
            "unit_code": cadre.unit_code,
            "track": r.track.value,
            "programme": r.programme_code,
            "standing": view.standing_of(r).value,
            "due_on": r.due_on.isoformat(),
            "placed": r.placed,
        }
        for cadre in sorted(view.by_unit.get(unit_code, []), key=lambda c: c.employee_id)
        for r in sorted(view.required_of[cadre.employee_id], key=lambda r: r.programme_code)
    ]
    return (
        Embedded("standings.csv", as_csv(STANDING_COLUMNS, rows), "the standings counted"),
        manifest(view, kind=kind, unit_code=unit_code, files={"standings.csv": len(rows)}),
    )


def summary_evidence(view: QuarterView, ranking: Sequence[dict[str, Any]]) -> tuple[Embedded, ...]:
    """The summary's units as ranked, and its manifest."""
    rows = [
        {
            "unit_code": r["code"],
            "name": r["name"],
            "cadres": r["cadres"],
            "required": r["tally"].required,
            "complete": r["tally"].complete,
            "overdue": r["tally"].overdue,
            "rate": r["tally"].percent,
        }
        for r in ranking
    ]
    return (
        Embedded("units.csv", as_csv(UNIT_COLUMNS, rows), "the units counted"),
        manifest(view, kind="summary", unit_code="", files={"units.csv": len(rows)}),
    )


def manifest(
    view: QuarterView, *, kind: str, unit_code: str, files: dict[str, int] | None = None
) -> Embedded:
    """Which report this is and what it was made from; `files`: the rows each file carries."""
    about = {
        "quarter": view.data.quarter.label,
        "kind": kind,
        "unit_code": unit_code,
        "as_of": view.as_of.isoformat(),
        "policy_sha256": view.data.policy_sha256,
        "roster_sha256": view.data.roster_sha256,
        "lianjie": lianjie_version(),
        "files": files or {},
    }
    data = json.dumps(about, ensure_ascii=False, indent=1, sort_keys=True).encode()
    return Embedded("manifest.json", data, "what this report was made from")


def as_csv(columns: list[str], rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def lianjie_version() -> str:
    try:
        return version("lianjie")
    except PackageNotFoundError:  # a checkout not installed
        return "unknown"


YEAR_COLUMNS = ["unit_code", "name", "quarter", "required", "complete", "overdue", "rate"]


def year_evidence(
    year: int, as_of: datetime, quarters: Sequence[QuarterData], unit_rows: Sequence[dict[str, Any]]
) -> tuple[Embedded, ...]:
    """The year report's units per quarter (as the report shows them: without the admonition
    track), and a manifest naming each quarter's policy and roster."""
    labels = [q.quarter.label for q in quarters]
    rows = [
        {
            "unit_code": row["code"],
            "name": row["name"],
            "quarter": label,
            "required": cell.required,
            "complete": cell.complete,
            "overdue": cell.overdue,
            "rate": cell.percent,
        }
        for row in unit_rows
        for label, cell in zip(labels, row["cells"], strict=True)
        if cell is not None
    ]
    about = {
        "year": year,
        "kind": "annual",
        "as_of": as_of.isoformat(),
        "quarters": {
            q.quarter.label: {"policy_sha256": q.policy_sha256, "roster_sha256": q.roster_sha256}
            for q in quarters
        },
        "lianjie": lianjie_version(),
        "files": {"units.csv": len(rows)},
    }
    data = json.dumps(about, ensure_ascii=False, indent=1, sort_keys=True).encode()
    return (
        Embedded("units.csv", as_csv(YEAR_COLUMNS, rows), "the units counted, per quarter"),
        Embedded("manifest.json", data, "what this report was made from"),
    )
