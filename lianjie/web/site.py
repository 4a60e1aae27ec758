"""The reports site: sign in, see the documents your role may read, download them (logged).

Served by uvicorn on 127.0.0.1 (`lianjie web`), behind the organisation's reverse proxy for TLS.
No JavaScript: forms post, every form carries its CSRF token, sessions are signed cookies."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Cookie, FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from core.settings import Settings
from lianjie.web import handing_in, passwords, status
from lianjie.web.documents import found, log_read, readable, visible_log
from lianjie.web.grants import Role, grant_for, may_read
from lianjie.web.pages import (
    TEMPLATES,
    SessionCookie,
    Site,
    lang_of,
    page,
    set_cookie,
    signed_in_account,
    site_of,
    words,
)
from lianjie.web.sessions import FORM_COOKIE, SESSION_COOKIE, Cookies, site_key
from models.accounts import account_named, locked, note_sign_in
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
    )
    app.include_router(router)
    app.include_router(handing_in.router)
    app.include_router(status.router)
    return app


router = APIRouter()


def sign_in_page(request: Request, problem: str = "", status: int = 200) -> HTMLResponse:
    cookies = site_of(request).cookies
    token, vouching = cookies.form_token()
    response = page(request, "sign_in.html.j2", status, token=token, problem=problem)
    set_cookie(response, FORM_COOKIE, vouching, cookies.session_seconds)
    return response


@router.get("/site.css")
def stylesheet() -> Response:
    return Response((TEMPLATES / "site.css").read_text(), media_type="text/css")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request) -> HTMLResponse:
    return sign_in_page(request)


@router.post("/sign-in", response_model=None)
async def sign_in(
    request: Request,
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    token: Annotated[str, Form(max_length=100)] = "",
    form_cookie: Annotated[str | None, Cookie(alias=FORM_COOKIE)] = None,
) -> Response:
    here, w = site_of(request), words(lang_of(request))
    if not here.cookies.form_token_matches(form_cookie, token):
        return sign_in_page(request, w["form_expired"], 403)
    now = datetime.now(UTC)
    with session_for(here.db_url) as session:
        account = account_named(session=session, name=name)
        if account is not None and locked(account, now):
            return sign_in_page(request, w["locked"], 429)
        right = passwords.matches(password, account.password_hash if account else _NOBODY)
        if account is not None and not account.disabled:
            note_sign_in(session=session, account=account, succeeded=right, now=now)
            failures = account.failed_sign_ins
        else:
            right, failures = False, 1
    if not right:
        await asyncio.sleep(here.wait(failures))
        return sign_in_page(request, w["wrong"], 401)
    cookie, _ = here.cookies.session(name)
    response = RedirectResponse("/", status_code=303)
    set_cookie(response, SESSION_COOKIE, cookie, here.cookies.session_seconds)
    response.delete_cookie(FORM_COOKIE)
    return response


@router.post("/sign-out")
def sign_out(
    request: Request,
    token: Annotated[str, Form(max_length=100)] = "",
    session_cookie: SessionCookie = None,
) -> Response:
    signed_in = site_of(request).cookies.signed_in(session_cookie)
    if signed_in is None or not token or not secrets.compare_digest(signed_in.csrf, token):
        return Response("forbidden", status_code=403)
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
        account, signed_in = who
        grant = grant_for(account.role, account.units)
        listed = readable(session, grant, unit_names(session=session))
    return page(
        request,
        "documents.html.j2",
        account=account,
        grant=grant,
        documents=listed,
        csrf=signed_in.csrf,
        may_see_log=grant.role in (Role.organisation, Role.discipline),
    )


@router.get("/documents/{doc_id}", response_model=None)
def download(request: Request, doc_id: str, session_cookie: SessionCookie = None) -> Response:
    with session_for(site_of(request).db_url) as session:
        who = signed_in_account(request, session, session_cookie)
        if who is None:
            return RedirectResponse("/sign-in", status_code=303)
        account = who[0]
        report = found(session, doc_id)
        allowed = report is not None and may_read(
            grant_for(account.role, account.units), report.kind, report.unit_code
        )
        path = _served(report) if allowed else None
        log_read(session, account=account.name, report=report, asked=doc_id, served=bool(path))
    if path is None:
        return page(request, "refused.html.j2", 403 if report is not None and not allowed else 404)
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=path.name,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/access", response_class=HTMLResponse, response_model=None)
def access(request: Request, session_cookie: SessionCookie = None) -> Response:
    with session_for(site_of(request).db_url) as session:
        who = signed_in_account(request, session, session_cookie)
        if who is None:
            return RedirectResponse("/sign-in", status_code=303)
        grant = grant_for(who[0].role, who[0].units)
        if grant.role not in (Role.organisation, Role.discipline):
            return page(request, "refused.html.j2", 403)
        rows = visible_log(session, grant)
    return page(request, "access.html.j2", rows=rows[::-1][:1000])


def _served(report: Report | None) -> Path | None:
    """The report's file, if it is still the one its run recorded (no other file is served)."""
    if report is None:
        return None
    path = Path(report.path)
    return path if path.is_file() and _sha256(path) == report.sha256 else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
