"""The reports site's commands: its accounts (`lianjie users …`) and the site (`lianjie web`)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from core.exceptions import LianjieInputError
from lianjie.cli.options import users_app
from lianjie.cli.runner import fail, run


@users_app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="The account's name, as its owner signs in.")],
    role: Annotated[
        str,
        typer.Option(
            help="organisation (every unit report, the summary, the year's report), discipline "
            "(the confidential list), unit:CODE[,CODE…] (those units' reports), or "
            "cadre:EMPLOYEE_ID (a top leader's or team member's own account: the reports the "
            "roster makes them a reader of, quarter by quarter)."
        ),
    ],
) -> None:
    """Add an account to the reports site. Its password is read from standard input (one line);
    when standard input is a terminal, a password is made and printed once."""
    from lianjie.web.grants import parse_grant
    from lianjie.web.passwords import WeakPassword, generated, hashed

    try:
        grant = parse_grant(role)
    except ValueError as error:
        raise fail(str(error)) from None
    if not 1 <= len(name) <= 100 or not name.isprintable() or ":" in name:
        raise fail(f"account name {name[:40]!r}: 1 to 100 printable characters, no colon")
    made = sys.stdin.isatty()
    password = generated() if made else sys.stdin.readline().rstrip("\r\n")
    try:
        password_hash = hashed(password)
    except WeakPassword as error:
        raise fail(str(error)) from None

    def add() -> list[str]:
        from flows.common import settings
        from models.accounts import account_named, add_account
        from models.cadres import leadership_of, unit_names
        from models.db import session_for

        with session_for(settings().db_url) as session:
            if account_named(session=session, name=name) is not None:
                raise LianjieInputError(f"an account named {name!r} exists already")
            add_account(
                session=session,
                name=name,
                role=grant.role.value,
                units=list(grant.units),
                password_hash=password_hash,
                employee_id=grant.cadre or None,
            )
            if grant.cadre and not leadership_of(session=session, employee_id=grant.cadre):
                return [f"cadre {grant.cadre}"]
            known = unit_names(session=session)
        return [f"unit {code}" for code in grant.units if code not in known]

    unknown = run(add, flows=False)
    typer.echo(f"account {name} added: {grant.text}")
    if unknown:  # a unit that comes with a later roster is fine; a typing mistake shows here
        typer.echo(f"note: no {', '.join(unknown)} on any roster yet", err=True)
    if made:
        typer.echo(f"password (shown once): {password}")


@users_app.command("list")
def list_users() -> None:
    """The site's accounts: name, role, whether disabled or locked."""

    def listed() -> list[str]:
        from datetime import UTC, datetime

        from flows.common import settings
        from lianjie.web.grants import grant_for
        from models.accounts import accounts, locked
        from models.db import session_for

        now = datetime.now(UTC)
        with session_for(settings().db_url) as session:
            return [
                "\t".join(
                    [
                        a.name,
                        grant_for(a.role, a.units, a.employee_id).text,
                        "disabled" if a.disabled else ("locked" if locked(a, now) else "active"),
                    ]
                )
                for a in accounts(session=session)
            ]

    for line in run(listed, flows=False):
        typer.echo(line)


@users_app.command("disable")
def disable_user(name: Annotated[str, typer.Argument(help="The account to disable.")]) -> None:
    """Disable an account: it cannot sign in, and its open sessions end at once."""

    def disable() -> None:
        from flows.common import settings
        from models.accounts import account_named
        from models.db import session_for

        with session_for(settings().db_url) as session:
            account = account_named(session=session, name=name)
            if account is None:
                raise LianjieInputError(f"no account named {name!r}")
            account.disabled = True
            session.add(account)
            session.commit()

    run(disable, flows=False)
    typer.echo(f"account {name} disabled")


def web(
    port: Annotated[
        int | None,
        typer.Option(help="Port to listen on (default LIANJIE_WEB_PORT, 8400).", min=1, max=65535),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on (default LIANJIE_WEB_HOST, 127.0.0.1). Keep loopback and "
            "put the organisation's TLS reverse proxy in front; another address needs "
            "LIANJIE_WEB_PROXY=true."
        ),
    ] = None,
) -> None:
    """Serve the reports site: each account signs in and reads exactly its role's documents;
    every download and refusal goes to the access log (`lianjie export access`)."""
    import uvicorn

    from flows.common import settings
    from lianjie import orphans
    from lianjie.doctor import site_address_problem
    from lianjie.web.site import site

    config = run(settings, flows=False)
    host, port = host or config.web_host, port or config.web_port
    if problem := site_address_problem(host, config.web_proxy):
        raise fail(problem)
    app = run(lambda: site(config), flows=False)
    orphans.temporary_server_dies_with_us()  # a dry run from the site may start Prefect's
    typer.echo(f"reports site on http://{host}:{port}/ (Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=config.web_proxy)
