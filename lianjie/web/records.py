"""A cadre's record with the admonition track (`lianjie record --confidential`), for the
discipline body only: asked for by employee id, made there and then, handed over, and not
kept by the site. Every record asked for, made or refused is a confidential row of the log."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from core.exceptions import LianjieInputError
from lianjie.web.commands import in_own_process
from lianjie.web.documents import log_event
from lianjie.web.grants import Role
from lianjie.web.pages import SessionCookie, lang_of, page, signed_in_as, site_of, words
from models.db import session_for

router = APIRouter()
EMPLOYEE_ID = r"^[A-Za-z0-9_-]{1,40}$"
RECORD_SECONDS = 300


@router.get("/records", response_class=HTMLResponse, response_model=None)
def records_form(request: Request, session_cookie: SessionCookie = None) -> Response:
    who = signed_in_as(request, session_cookie, Role.discipline, "/records")
    if isinstance(who, Response):
        return who
    return page(request, "records.html.j2", csrf=who[1], problem="")


@router.post("/records", response_model=None)
def record(
    request: Request,
    employee_id: Annotated[str, Form(max_length=40)] = "",
    token: Annotated[str, Form(max_length=100)] = "",
    session_cookie: SessionCookie = None,
) -> Response:
    who = signed_in_as(request, session_cookie, Role.discipline, "/records", token)
    if isinstance(who, Response):
        return who
    name, csrf = who
    employee_id = employee_id.strip()
    made, problem = _made(employee_id) if re.match(EMPLOYEE_ID, employee_id) else (None, "")
    with session_for(site_of(request).db_url) as session:
        log_event(
            session,
            account=name,
            action="record" if made else "record-refused",
            path=f"record of {employee_id[:40]} (confidential)",
            confidential=True,
        )
    if made is None:
        problem = problem or words(lang_of(request))["bad_employee_id"]
        return page(request, "records.html.j2", 400, csrf=csrf, problem=problem)
    return Response(
        made,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="record-{employee_id}.pdf"'},
    )


def _made(employee_id: str) -> tuple[bytes | None, str]:
    """The record's PDF, made by the command line in a folder nobody else sees and then gone;
    or why not (no such cadre), in the command's words."""
    with tempfile.TemporaryDirectory(prefix="lianjie-record-") as folder:
        try:
            in_own_process(
                "lianjie.cli", "record", employee_id, "--confidential", "--out", folder,
                "--quiet", seconds=RECORD_SECONDS,
            )  # fmt: skip
        except LianjieInputError as refused:
            return None, str(refused)
        [made] = Path(folder).rglob("*.pdf")
        return made.read_bytes(), ""
