"""Files handed in through the site by the organisation department: a roster, previewed by the
cycle's dry run and started only on "confirm"; completion files and returned sign-in workbooks,
collected. Each upload is checked (size, kind) and kept 0600 in the data folder, never under
the name it came with. How the cycle and the collect run: `commands`."""

from __future__ import annotations

import os
import re
import secrets
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from markdown_it import MarkdownIt
from markupsafe import Markup

from core.exceptions import LianjieInputError
from flows.artifact_tables import TableWords, Told
from flows.collect import collect_told
from flows.cycle import cycle_told
from lianjie.web import commands
from lianjie.web.documents import log_event
from lianjie.web.grants import Role
from lianjie.web.pages import SessionCookie, lang_of, page, signed_in_as, site_of, words
from models.db import session_for

router = APIRouter()
MARKDOWN = MarkdownIt("commonmark", {"html": False})  # raw HTML in a summary shows as text
KINDS = ("roster", "completions")
UPLOAD_NAME = r"^[0-9]{8}T[0-9]{6}-[A-Za-z0-9_-]{16}\.(xlsx|csv)$"
QUARTER = r"^[0-9]{4}Q[1-4]$"  # [0-9], not \d: that takes any script's digits
TICKET_SECONDS = 3600
KEPT_DAYS = 7  # an upload never confirmed is deleted after this long


@router.get("/hand-in", response_class=HTMLResponse, response_model=None)
def hand_in_form(request: Request, session_cookie: SessionCookie = None) -> Response:
    account = signed_in_as(request, session_cookie, Role.organisation, "/hand-in")
    if isinstance(account, Response):
        return account
    return page(request, "hand_in.html.j2", csrf=account[1], problem="")


@router.post("/hand-in", response_class=HTMLResponse, response_model=None)
def hand_in(
    request: Request,
    file: UploadFile,
    kind: Annotated[str, Form(max_length=20)],
    quarter: Annotated[str, Form(pattern=QUARTER)],
    token: Annotated[str, Form(max_length=100)] = "",
    session_cookie: SessionCookie = None,
) -> Response:
    account = signed_in_as(request, session_cookie, Role.organisation, "/hand-in", token)
    if isinstance(account, Response):
        return account
    name, csrf = account
    try:
        if kind not in KINDS:
            raise Refusal("refused_kind")
        kept = _kept(request, file)
        _log(request, name, kept, "upload")
        if kind == "roster":
            preview, run = commands.cycle(quarter, str(kept), dry_run=True)
            return page(
                request,
                "preview.html.j2",
                csrf=csrf,
                **told(request, cycle_told(preview, TableWords(lang_of(request)))),
                # what "confirm" starts: this upload, this quarter, for this account only
                ticket=site_of(request).cookies.ticket(kept.name, quarter, name),
                run=run,
            )
        collected, run = commands.collect(quarter, str(kept))
        said = collect_told(collected, date.today(), TableWords(lang_of(request)))
        return page(request, "done.html.j2", run=run, **told(request, said))
    except LianjieInputError as error:
        return page(
            request, "hand_in.html.j2", 400, csrf=csrf, problem=problem_said(request, error)
        )


@router.post("/hand-in/confirm", response_class=HTMLResponse, response_model=None)
def confirm_roster(
    request: Request,
    ticket: Annotated[str, Form(max_length=500)],
    accept_leavers: Annotated[bool, Form()] = False,
    token: Annotated[str, Form(max_length=100)] = "",
    session_cookie: SessionCookie = None,
) -> Response:
    """Start the quarter with the roster previewed: the preview's signed ticket names the
    upload, its quarter and the account, and is good once, within the hour."""
    account = signed_in_as(request, session_cookie, Role.organisation, "/hand-in", token)
    if isinstance(account, Response):
        return account
    name, csrf = account
    values = site_of(request).cookies.ticket_values(ticket, max_age=TICKET_SECONDS)
    if values is None or len(values) != 3 or values[2] != name:
        return page(request, "refused.html.j2", 403)
    upload, quarter = values[0], values[1]
    kept = _uploads(request) / upload
    if not re.match(UPLOAD_NAME, upload) or not kept.is_file():  # confirmed once already
        return page(request, "refused.html.j2", 403)
    try:
        started, run = commands.cycle(quarter, str(kept), accept_leavers=accept_leavers)
    except LianjieInputError as error:
        return page(
            request, "hand_in.html.j2", 400, csrf=csrf, problem=problem_said(request, error)
        )
    _log(request, name, kept, "confirm")
    kept.unlink(missing_ok=True)  # its rows are stored now; a second "confirm" finds nothing
    said = cycle_told(started, TableWords(lang_of(request)))
    return page(request, "done.html.j2", run=run, **told(request, said))


class Refusal(LianjieInputError):
    """A file the site refuses before anything runs, said in the reader's language."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def problem_said(request: Request, error: LianjieInputError) -> str:
    """An error as the page says it: the site's own refusals in the reader's language; what a
    run refused, in the command line's words, under a line in the reader's."""
    w = words(lang_of(request))
    if isinstance(error, Refusal):
        return str(w[error.key]).format(**error.params)
    return f"{w['run_refused']}{error}"


def told(request: Request, said: Told) -> dict[str, Any]:
    """What a run told, for a page: its summary's Markdown as HTML (raw HTML in it escaped,
    as any value from a file handed in would be)."""
    html = MARKDOWN.render(said.summary)
    return {"told": said, "summary_html": Markup(html)}  # noqa: S704  (raw HTML off: escaped)


def _uploads(request: Request) -> Path:
    return site_of(request).data_dir / "uploads"


def _forget_old_uploads(folder: Path) -> None:
    """Delete the uploads older than KEPT_DAYS: rosters previewed and never confirmed, and
    completion files long collected (their rows are in the database)."""
    oldest = datetime.now(UTC).timestamp() - KEPT_DAYS * 86400
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < oldest:
            old.unlink(missing_ok=True)


def _kept(request: Request, file: UploadFile) -> Path:
    """The upload checked and written 0600 under a name of our own; a file over the size
    limit, or not a workbook or text file, is refused."""
    limit = site_of(request).max_file_mb * 1024 * 1024
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise Refusal("refused_suffix")
    head = file.file.read(4096)
    if suffix == ".xlsx" and not head.startswith(b"PK\x03\x04"):
        raise Refusal("refused_workbook")
    if suffix == ".csv" and b"\x00" in head:
        raise Refusal("refused_text")
    folder = _uploads(request)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # made by hand before, perhaps more open
    _forget_old_uploads(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_urlsafe(12)}{suffix}"
    written = len(head)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(head)
        while block := file.file.read(1 << 20):
            written += len(block)
            if written > limit:
                out.close()
                path.unlink()
                raise Refusal("refused_size", mb=limit // (1024 * 1024))
            out.write(block)
    return path


def _log(request: Request, account: str, path: Path, action: str) -> None:
    with session_for(site_of(request).db_url) as session:
        log_event(session, account=account, action=action, path=str(path))
