"""`lianjie families FILE`: the family-contacts file taken in, and the letters it calls for."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from lianjie.cli.options import Json, QuarterOption, Quiet
from lianjie.cli.runner import check_quarter, emit, run
from lianjie.cli.summaries import counted


def families(
    file: Annotated[Path, typer.Argument(help="The family-contacts file (.xlsx or .csv).")],
    quarter: QuarterOption = "",
    json_: Json = False,
    quiet: Quiet = False,
) -> None:
    """Take in the family-contacts file and plan the families' holiday letters.

    The file (工号, 家属姓名, 关系, 手机, 邮箱, 同意接收) is kept apart from the roster; the
    holiday letters go to the family members who agreed to receive them.

    The file replaces the contacts kept: a family member whose consent is withdrawn, or who is
    no longer in it, receives nothing more (their unsent letters are cancelled at once). Bad
    rows are listed here with their row and reason; the good rows go in. Nothing of a family
    member is written where Prefect keeps things.
    """
    label = check_quarter(quarter) if quarter else ""

    def go() -> Any:
        from core.domain import Quarter
        from flows.common import RunSettings, settings, this_quarter, today
        from flows.families import FamiliesDone, plan_family_letters, slip_list, take_families

        config = settings()
        period = Quarter.parse(label) if label else this_quarter(config)
        run_settings = RunSettings.of(config)
        taken = take_families.fn(run=run_settings, quarter=period, file=str(file))
        day = max(today(config), period.starts_on)
        letters = plan_family_letters.fn(run=run_settings, quarter=period, as_of=day)
        folder = config.reports_dir / period.label / "families"
        slips = slip_list(run=run_settings, quarter=period, folder=folder)
        return FamiliesDone(
            quarter=period.label,
            taken=taken,
            letters=letters,
            slip_list=str(slips) if slips else None,
        )

    done = run(go, json_=json_, quiet=quiet, flows=False)
    emit(done, json_, lines)


def lines(done: Any) -> list[str]:
    taken, letters = done.taken, done.letters
    said = [
        f"Families {done.quarter}: {counted(taken.read, 'row')} read, {taken.accepted} accepted "
        f"({taken.consenting} agreeing to receive letters), {taken.rejected} rejected",
        *(f"  row {r.row}, {r.column}: {r.reason}" for r in taken.rejects[:50]),
    ]
    if taken.stopped:
        said.append(
            f"  {counted(taken.stopped, 'family member')} to receive nothing more; "
            f"{counted(taken.cancelled, 'unsent letter')} cancelled"
        )
    said.append(
        f"Family letters: {counted(letters['letters'], 'new message')} for "
        f"{counted(letters['families'], 'family member')} before the quarter's holidays"
    )
    if done.slip_list:
        said.append(f"Return slips to list as they come back: {done.slip_list}")
    return said
