"""Signed session cookies and the forms' CSRF tokens: nothing of a session is kept on the server,
and nothing in a cookie can be changed without the site's key."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "lianjie_session"
FORM_COOKIE = "lianjie_form"  # the sign-in form's token, before there is a session
FORM_MAX_AGE = 3600


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a valid session cookie says is signed in, the token their forms must carry, and the
    account's session count it was made in (signing out counts it up: older cookies die)."""

    name: str
    csrf: str
    epoch: int = 0


class Cookies:
    """Makes and reads the site's cookies with one key."""

    def __init__(self, key: str, session_seconds: int) -> None:
        self._sessions = URLSafeTimedSerializer(key, salt="lianjie-session")
        self._forms = URLSafeTimedSerializer(key, salt="lianjie-sign-in-form")
        self._tickets = URLSafeTimedSerializer(key, salt="lianjie-ticket")
        self.session_seconds = session_seconds

    def session(self, name: str, epoch: int = 0) -> tuple[str, SignedIn]:
        signed_in = SignedIn(name, secrets.token_urlsafe(24), epoch)
        payload = [signed_in.name, signed_in.csrf, signed_in.epoch]
        return self._sessions.dumps(payload), signed_in

    def signed_in(self, cookie: str | None) -> SignedIn | None:
        """The session the cookie carries; None when it is missing, forged or expired."""
        if not cookie:
            return None
        try:
            name, csrf, epoch = self._sessions.loads(cookie, max_age=self.session_seconds)
            return SignedIn(str(name), str(csrf), int(epoch))
        except (BadSignature, ValueError, TypeError):
            return None

    def ticket(self, *values: str) -> str:
        """A signed ticket for values a later form must give back unchanged (a previewed
        upload, its quarter, its account)."""
        return self._tickets.dumps(list(values))

    def ticket_values(self, ticket: str, max_age: int) -> list[str] | None:
        try:
            values = self._tickets.loads(ticket, max_age=max_age)
        except (BadSignature, ValueError, TypeError):
            return None
        return [str(v) for v in values] if isinstance(values, list) else None

    def form_token(self) -> tuple[str, str]:
        """A token for the sign-in form, and the cookie that vouches for it."""
        token = secrets.token_urlsafe(24)
        return token, self._forms.dumps(token)

    def form_token_matches(self, cookie: str | None, token: str) -> bool:
        if not cookie or not token:
            return False
        try:
            expected = self._forms.loads(cookie, max_age=FORM_MAX_AGE)
        except (BadSignature, ValueError, TypeError):
            return False
        return secrets.compare_digest(str(expected), token)


def site_key(configured: str | None, data_dir: Path) -> str:
    """The key cookies are signed with: the setting's, or one made once and kept in the data
    folder (0600), so that sessions outlive a restart."""
    if configured:
        return configured
    path = data_dir / "web-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
