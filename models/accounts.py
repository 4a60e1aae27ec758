"""The reports site's accounts: who may sign in, with which role, and how their sign-ins go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

# Failed sign-ins in a row before an account is locked, and for how long.
LOCK_AFTER = 5
LOCKED_FOR = timedelta(minutes=15)


class Account(SQLModel, table=True):
    """An account of the reports site. `role` is organisation, discipline or unit; a unit
    account reads the reports of `units`."""

    name: str = Field(primary_key=True)
    role: str
    units: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    password_hash: str
    disabled: bool = False
    created_at: datetime
    failed_sign_ins: int = 0
    locked_until: datetime | None = None


def add_account(
    *, session: Session, name: str, role: str, units: list[str], password_hash: str
) -> Account:
    account = Account(
        name=name,
        role=role,
        units=units,
        password_hash=password_hash,
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


def note_sign_in(*, session: Session, account: Account, succeeded: bool, now: datetime) -> None:
    """Count a failed sign-in (the fifth in a row locks the account for a while); a success
    starts the count again."""
    if succeeded:
        account.failed_sign_ins, account.locked_until = 0, None
    else:
        account.failed_sign_ins += 1
        if account.failed_sign_ins >= LOCK_AFTER:
            account.locked_until = now + LOCKED_FOR
    session.add(account)
    session.commit()
