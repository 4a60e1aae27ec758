"""The reports site: sign in, see the documents your role may read, download them (logged).

Served by uvicorn on 127.0.0.1 (`lianjie web`), behind the organisation's reverse proxy for TLS.
No JavaScript: forms post, every form carries its CSRF token, sessions are signed cookies."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Cookie, FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from core.settings import Settings
from lianjie.web import handing_in, passwords, records, status
from lianjie.web.documents import (
    account_grant,
    found,
    log_event,
    log_read,
    log_refusal,
    readable,
    reading_grant,
    visible_log,
)
from lianjie.web.grants import Role, may_read
from lianjie.web.guards import Guarded
from lianjie.web.pages import (
    TEMPLATES,
    SessionCookie,
    Site,
    Strangers,
    lang_of,
    page,
    set_cookie,
    signed_in_account,
    site_of,
    words,
)
from lianjie.web.sessions import FORM_COOKIE, SESSION_COOKIE, Cookies, site_key
from models.accounts import Account, account_named, end_sessions, locked, note_sign_in
from models.cadres import unit_names
from models.db import session_for
from models.tables import Report

# A made-up hash checked when the name is unknown: an unknown name costs what a wrong password
# does, so the time of an answer does not tell which names exist.
_NOBODY = passwords.hashed("no such account, never a password")


def site(config: Settings, *, slowdown: Callable[[int], float] | None = None) -> FastAPI:
    """The site's application. `slowdown(failures)` is how long a failed sign-in waits before
    it is answered (by default half a second, doubling to 8 s)."""
    key = config.web_secret.get_secret_value() if config.web_secret else None
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.site = Site(
        db_url=config.db_url,
        cookies=Cookies(site_key(key, config.data_dir), config.web_session_minutes * 60),
        organisation=config.organisation,
        wait=slowdown or (lambda failures: min(0.5 * 2 ** max(failures - 1, 0), 8.0)),
        data_dir=config.data_dir,
        max_file_mb=config.max_file_mb,
        config=config,
        strangers=Strangers(),
    )
    app.include_router(router)
    app.include_router(handing_in.router)
    app.include_router(status.router)
    app.include_router(records.router)
    cookies = app.state.site.cookies
    app.add_middleware(
        Guarded,
        upload_bytes=(config.max_file_mb + 1) * 1024 * 1024,  # the file and its form
        upload_paths=("/hand-in",),
        signed_in=lambda cookie: cookies.signed_in(cookie) is not None,
        session_cookie=SESSION_COOKIE,
    )
    return app


router = APIRouter()


def sign_in_page(
    request: Request, problem: str = "", status: int = 200, after: str = ""
) -> HTMLResponse:
    cookies = site_of(request).cookies
    token, vouching = cookies.form_token()
    response = page(
        request, "sign_in.html.j2", status, token=token, problem=problem, after=_after(after)
    )
    set_cookie(response, FORM_COOKIE, vouching, cookies.session_seconds)
    return response


def _after(path: str) -> str:
    """Where a reader goes once signed in: the document a link named (a Prefect UI link, an
    e-mail), or the list. Only a document's own path: never another site's address."""
    return path if AFTER_SIGN_IN.match(path) else "/"


AFTER_SIGN_IN = re.compile(r"^/documents/[0-9a-f]{20}$")


@router.get("/site.css")
def stylesheet() -> Response:
    return Response((TEMPLATES / "site.css").read_text(), media_type="text/css")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, after: str = "") -> HTMLResponse:
    return sign_in_page(request, after=after)


@router.post("/sign-in", response_model=None)
async def sign_in(
    request: Request,
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    token: Annotated[str, Form(max_length=100)] = "",
    after: Annotated[str, Form(max_length=100)] = "",
    form_cookie: Annotated[str | None, Cookie(alias=FORM_COOKIE)] = None,
) -> Response:
    """One answer, after one wait, for a wrong password, an unknown or disabled name and a
    locked account alike: neither the words nor the time tell which names exist. The scrypt
    and the database run in a worker thread; the wait on the event loop, so that many
    failing sign-ins at once hold no thread the site's other pages need."""
    here, w = site_of(request), words(lang_of(request))
    if not here.cookies.form_token_matches(form_cookie, token):
        return sign_in_page(request, w["form_expired"], 403, after)
    account, right, failures = await run_in_threadpool(_checked, here, name, password)
    if not right or account is None:
        await asyncio.sleep(here.wait(failures))
        return sign_in_page(request, w["wrong"], 401, after)
    cookie, _ = here.cookies.session(name, account.session_epoch)
    response = RedirectResponse(_after(after), status_code=303)
    set_cookie(response, SESSION_COOKIE, cookie, here.cookies.session_seconds)
    response.delete_cookie(FORM_COOKIE)
    return response


def _checked(here: Site, name: str, password: str) -> tuple[Account | None, bool, int]:
    """The account named, whether the password is right, and the failures in a row so far
    (a failure written to the access log: the discipline body's in its confidential rows)."""
    now = datetime.now(UTC)
    with session_for(here.db_url) as session:
        account = account_named(session=session, name=name)
        usable = account is not None and not account.disabled
        held = account is not None and usable and locked(account, now)
        right = passwords.matches(
            password, account.password_hash if usable and account else _NOBODY
        )
        if account is not None and usable and not held:
            failures = note_sign_in(session=session, account=account, succeeded=right, now=now)
        else:
            right, failures = False, here.strangers.failed(name, account)
        if not right:
            log_event(
                session,
                account=name[:100],
                action="sign-in failed",
                path="/sign-in",
                confidential=account is not None and account.role == Role.discipline,
            )
    return account, right, failures


@router.post("/sign-out")
def sign_out(
    request: Request,
    token: Annotated[str, Form(max_length=100)] = "",
    session_cookie: SessionCookie = None,
) -> Response:
    """Sign out: every session of the account ends, a copied cookie too."""
    here = site_of(request)
    signed_in = here.cookies.signed_in(session_cookie)
    if signed_in is None or not token or not secrets.compare_digest(signed_in.csrf, token):
        return Response("forbidden", status_code=403)
    with session_for(here.db_url) as session:
        end_sessions(session=session, name=signed_in.name)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{lang}")
def language(lang: str) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.set_cookie("lang", "en" if lang == "en" else "zh", samesite="strict")
    return response


@router.get("/", response_class=HTMLResponse, response_model=None)
def documents(request: Request, session_cookie: SessionCookie = None) -> Response:
    with session_for(site_of(request).db_url) as session:
        who = signed_in_account(request, session, session_cookie)
        if who is None:
            return RedirectResponse("/sign-in", status_code=303)
        grant = reading_grant(session, who[0])
        listed = readable(session, grant, unit_names(session=session))
    return page(
        request,
        "documents.html.j2",
        grant=grant,
        documents=listed,
        may_see_log=grant.role in (Role.organisation, Role.discipline),
    )


@router.get("/documents/{doc_id}", response_model=None)
def download(request: Request, doc_id: str, session_cookie: SessionCookie = None) -> Response:
    with session_for(site_of(request).db_url) as session:
        who = signed_in_account(request, session, session_cookie)
        if who is None:  # back to this document once signed in
            return RedirectResponse(f"/sign-in?after={_after(f'/documents/{doc_id}')}", 303)
        account = who[0]
        report = found(session, doc_id)
        allowed = report is not None and may_read(
            reading_grant(session, account), report.kind, report.unit_code, report.quarter
        )
        path = _served(report) if allowed else None
        log_read(session, account=account, report=report, asked=doc_id, served=bool(path))
    if path is None:  # one answer whether it exists or not: ids can be worked out
        return page(request, "refused.html.j2", 403)
    return FileResponse(path, media_type="application/pdf", filename=path.name)


@router.get("/access", response_class=HTMLResponse, response_model=None)
def access(request: Request, session_cookie: SessionCookie = None) -> Response:
    with session_for(site_of(request).db_url) as session:
        who = signed_in_account(request, session, session_cookie)
        if who is None:
            return RedirectResponse("/sign-in", status_code=303)
        grant = account_grant(who[0])
        if grant.role not in (Role.organisation, Role.discipline):
            log_refusal(session, account=who[0], path="/access")
            return page(request, "refused.html.j2", 403)
        rows = visible_log(session, grant)
    return page(request, "access.html.j2", rows=rows[::-1][:1000])


def _served(report: Report | None) -> Path | None:
    """The report's file, if it is still the one its run recorded (no other file is served)."""
    if report is None:
        return None
    path = Path(report.path)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return path if hashlib.file_digest(handle, "sha256").hexdigest() == report.sha256 else None
