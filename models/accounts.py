"""The reports site's accounts: who may sign in, with which role, and how their sign-ins go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select, update

# Failed sign-ins in a row before an account is locked, and for how long.
LOCK_AFTER = 5
LOCKED_FOR = timedelta(minutes=15)


class Account(SQLModel, table=True):
    """An account of the reports site. `role` is organisation, discipline, unit or cadre: a
    unit account reads the reports of `units`; a cadre account (`employee_id`) those the
    roster makes them a reader of, quarter by quarter (its top leader, its team members)."""

    name: str = Field(primary_key=True)
    role: str
    units: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    password_hash: str
    employee_id: str | None = None
    disabled: bool = False
    created_at: datetime
    failed_sign_ins: int = 0
    locked_until: datetime | None = None
    # In every session cookie: signing out counts it up, which ends the account's sessions.
    session_epoch: int = 0


def add_account(
    *,
    session: Session,
    name: str,
    role: str,
    units: list[str],
    password_hash: str,
    employee_id: str | None = None,
) -> Account:
    account = Account(
        name=name,
        role=role,
        units=units,
        password_hash=password_hash,
        employee_id=employee_id,
        created_at=datetime.now(UTC),
    )
    session.add(account)
    session.commit()
    return account


def accounts(*, session: Session) -> list[Account]:
    return list(session.exec(select(Account).order_by(col(Account.name))))


def account_named(*, session: Session, name: str) -> Account | None:
    return session.get(Account, name)


def locked(account: Account, now: datetime) -> bool:
    until = account.locked_until
    if until is None:
        return False
    # SQLite gives the time back without its zone (UTC), PostgreSQL with it
    return (until if until.tzinfo else until.replace(tzinfo=UTC)) > now


def note_sign_in(*, session: Session, account: Account, succeeded: bool, now: datetime) -> int:
    """Count a failed sign-in, in the database itself (two at once both count): the fifth in a
    row locks the account for a while, and a lock that has run out starts the count again. A
    success starts it again too. Returns the failures in a row so far."""
    if succeeded:
        values: dict[str, Any] = {"failed_sign_ins": 0, "locked_until": None}
    elif account.locked_until is not None and not locked(account, now):
        values = {"failed_sign_ins": 1, "locked_until": None}
    else:
        values = {"failed_sign_ins": col(Account.failed_sign_ins) + 1}
    named = col(Account.name) == account.name
    session.exec(update(Account).where(named).values(**values))
    failures = session.exec(select(Account.failed_sign_ins).where(named)).one()
    if failures >= LOCK_AFTER and not succeeded:
        session.exec(update(Account).where(named).values(locked_until=now + LOCKED_FOR))
    session.commit()
    return failures


def end_sessions(*, session: Session, name: str) -> None:
    """End every session of the account (signing out ends them all)."""
    named = col(Account.name) == name
    session.exec(update(Account).where(named).values(session_epoch=col(Account.session_epoch) + 1))
    session.commit()
