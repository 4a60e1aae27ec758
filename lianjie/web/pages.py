"""What every page of the reports site shares: its setting, its words, how a page is made and
who is signed in."""

from __future__ import annotations

import secrets
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Cookie, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlmodel import Session

from core.settings import Settings
from lianjie.web.documents import account_grant, log_refusal
from lianjie.web.grants import Role
from lianjie.web.sessions import SESSION_COOKIE, Cookies, SignedIn
from models.accounts import Account, account_named
from models.db import session_for, stored_utc

TEMPLATES = Path(__file__).with_name("templates")
SessionCookie = Annotated[str | None, Cookie(alias=SESSION_COOKIE)]


@cache
def words(lang: str) -> dict[str, str]:
    with (TEMPLATES / "words.toml").open("rb") as handle:
        return dict(tomllib.load(handle)[lang])


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Strangers:
    """Failed sign-ins in a row for names that cannot sign in (unknown, disabled, locked), kept
    in memory: they wait as long as a real account's failures would."""

    def __init__(self) -> None:
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def failed(self, name: str, account: Account | None) -> int:
        with self._lock:
            if len(self._failures) > 10_000:  # a flood of made-up names is not kept
                self._failures.clear()
            known = account.failed_sign_ins if account is not None else 0
            self._failures[name] = max(self._failures.get(name, 0), known) + 1
            return self._failures[name]


@dataclass(frozen=True)
class Site:
    """What every page of the site needs: its database, cookies and organisation."""

    db_url: str
    cookies: Cookies
    organisation: str
    wait: Callable[[int], float]
    data_dir: Path  # uploads are kept in its uploads/ folder
    max_file_mb: int  # the largest file handed in, as for the command line
    config: Settings  # what the flows run from the site (a dry run, a collect) are given
    strangers: Strangers  # this site's own count, not the process's


def site_of(request: Request) -> Site:
    return request.app.state.site  # type: ignore[no-any-return]


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get("lang") == "en" else "zh"


def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page of the site, in the reader's language, times in the organisation's zone, with
    the signed-in account (and its sign-out form) in the header."""
    here, lang = site_of(request), lang_of(request)
    with session_for(here.db_url) as session:
        who = signed_in_account(request, session, request.cookies.get(SESSION_COOKIE))
    me = None
    if who is not None:
        account, signed_in = who
        me = {"name": account.name, "grant": account_grant(account)}
        me["csrf"] = signed_in.csrf
    html = (
        _environment()
        .get_template(template)
        .render(
            w=words(lang),
            lang=lang,
            organisation=here.organisation,
            me=me,
            local=lambda moment: stored_utc(moment).astimezone(here.config.zone),
            **values,
        )
    )
    return HTMLResponse(html, status_code=status)  # its headers: lianjie.web.guards


def signed_in_account(
    request: Request, session: Session, cookie: str | None
) -> tuple[Account, SignedIn] | None:
    """The account a valid session cookie names, unless it has been disabled since."""
    signed_in = site_of(request).cookies.signed_in(cookie)
    if signed_in is None:
        return None
    account = account_named(session=session, name=signed_in.name)
    if account is None or account.disabled or account.session_epoch != signed_in.epoch:
        return None
    return account, signed_in


def set_cookie(response: Response, name: str, value: str, seconds: int) -> None:
    # Secure: a browser still sends it to http://127.0.0.1, and only over TLS anywhere else.
    response.set_cookie(
        name, value, max_age=seconds, httponly=True, secure=True, samesite="strict", path="/"
    )


def signed_in_as(
    request: Request, cookie: str | None, role: Role, path: str, token: str | None = None
) -> tuple[str, str] | Response:
    """The account signed in with `role` (and, for a post, its form's token matching), as its
    name and CSRF token; else the answer to give: sign in, 403 for a missing token, or the
    refusal page, the refusal logged."""
    with session_for(site_of(request).db_url) as session:
        who = signed_in_account(request, session, cookie)
        if who is None:
            return RedirectResponse("/sign-in", status_code=303)
        account, signed_in = who
        if token is not None and not (token and secrets.compare_digest(token, signed_in.csrf)):
            return Response("forbidden", status_code=403)
        if account_grant(account).role is not role:
            log_refusal(session, account=account, path=path)
            return page(request, "refused.html.j2", 403)
    return account.name, signed_in.csrf
