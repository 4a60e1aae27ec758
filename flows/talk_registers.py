"""`lianjie talks`: each talker's register of the talks they owe this quarter, as a PDF to hold
the talks by and a workbook that comes back through `lianjie collect` once they are held."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.domain import Quarter
from core.exceptions import LianjieInputError
from flows.common import quarter_policy, settings, today
from models.cadres import roster_records, unit_names
from models.db import session_for
from models.talks import mark_issued, open_pledges, quarter_talks
from reports.render import RenderJob, labels, render_pdf, safe_file_name
from reports.sealed import pending_path, place_confidential, placed_path
from reports.talk_register import Register, register_rows, registers, write_register_workbook
from reports.wording import quarter_text


@dataclass(frozen=True, slots=True)
class RegisterMade:
    talker: str
    talks: int
    pdf: Path
    workbook: Path
    confidential: bool


def write_talk_registers(
    quarter: Quarter, out: Path | None, lang: str | None
) -> tuple[list[RegisterMade], list[Path]]:
    """Every talker's register of the quarter's talks still due, the confidential kinds in
    registers of their own, sealed into a `confidential` folder; and each commitment letter
    still to sign, to take to its talk (marked issued today)."""
    config = settings()
    language = lang or config.lang.value
    with session_for(config.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)  # refuses one not started
        talks = quarter_talks(session, quarter)
        cadres = roster_records(session=session, quarter=quarter)
        units = unit_names(session=session)
        letters = [p for p in open_pledges(session) if p.employee_id in cadres]
        pledged = {(p.employee_id, p.opened_by) for p in letters}
    if not talks:
        raise LianjieInputError(f"no talks are due in {quarter.label}: the cycle opens them")
    words = labels(language)
    folder = out or config.reports_dir / quarter.label / "talks"
    made: list[RegisterMade] = []
    for register in registers(talks, cadres, units, pledged=pledged):
        pdf, workbook = _written(
            register,
            quarter,
            folder,
            language,
            words,
            config.organisation,
            number=sum(m.confidential for m in made) + 1,  # among the confidential ones
        )
        if register.confidential:  # sealed into their place
            password = config.confidential_password_for_output()
            pdf, workbook = (_sealed(p, password) for p in (pdf, workbook))
        made.append(
            RegisterMade(register.talker, len(register.lines), pdf, workbook, register.confidential)
        )
    rules = loaded.policy.talks
    context = {"t": words, "w": words["pledge"], "organisation": config.organisation}
    paragraphs = rules.letter.get(language) or words["pledge"]["paragraphs"]
    written = [
        render_pdf(
            RenderJob(
                "pledge.html.j2",
                context
                | {
                    "name": cadres[letter.employee_id].name,
                    "unit": units.get(letter.unit_code, letter.unit_code),
                    "post": cadres[letter.employee_id].post,
                    "employee_id": letter.employee_id,
                    "version": letter.version,
                    "paragraphs": paragraphs,
                },
                folder
                / "letters"
                / safe_file_name(quarter.label, "pledge", letter.employee_id, language),
            )
        ).path
        for letter in letters
    ]
    with session_for(config.db_url) as session:
        mark_issued(session, [letter.id for letter in letters if letter.id], today(config))
    return made, written


def _sealed(pending: Path, password: str | None) -> Path:
    place_confidential(pending, placed_path(pending), password)
    return placed_path(pending)


def _written(
    register: Register,
    quarter: Quarter,
    folder: Path,
    lang: str,
    words: dict[str, Any],
    organisation: str,
    *,
    number: int,
) -> tuple[Path, Path]:
    """The register's PDF and workbook, named by its talker; a confidential one's by its
    number (a talker's name beside the admonition list would say whose unit it is about), in
    its pending folder."""
    w, kinds = words["talk_register"], words["talk_kinds"]
    talker = register.talker_name or words["talkers"].get(register.talker, register.talker)
    named = f"confidential-{number}" if register.confidential else register.talker
    name = safe_file_name(quarter.label, "talks", named, lang)
    pdf = (folder / "confidential" if register.confidential else folder) / name
    workbook = pdf.with_suffix(".xlsx")
    if register.confidential:  # in clear only in the pending folder (0700)
        pdf, workbook = pending_path(pdf), pending_path(workbook)
    context = {
        "t": words,
        "w": w,
        "kinds": kinds,
        "organisation": organisation,
        "quarter": quarter_text(quarter, lang),
        "talker": talker,
        "lang": lang,
        "confidential": register.confidential,
        "lines": register.lines,
    }
    render_pdf(RenderJob("talk_register.html.j2", context, pdf))
    title = f"{w['title']}  {quarter_text(quarter, lang)}  {talker}"
    write_register_workbook(workbook, title, register_rows(register, kinds))
    return pdf, workbook
