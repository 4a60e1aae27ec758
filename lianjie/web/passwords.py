"""Passwords kept as scrypt hashes (memory-hard, in the standard library), never as text."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt's cost: 16 MiB and about 50 ms a sign-in on this kind of machine (OWASP's minimum is
# N=2^17 with r=8 for 128 MiB; 2^14 keeps a burst of sign-ins from exhausting a small server).
N, R, P = 2**14, 8, 1
MIN_LENGTH = 10


class WeakPassword(ValueError):
    """A password too short or too plain to keep."""


def hashed(password: str) -> str:
    """The password's hash with its salt and cost, as one string to store."""
    checked(password)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P)
    return "$".join(["scrypt", str(N), str(R), str(P), _b64(salt), _b64(digest)])


def matches(password: str, stored: str) -> bool:
    """Whether the password is the one whose hash is stored (in constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(found, _unb64(digest))


def generated() -> str:
    """A password to print once: 16 letters and digits, about 95 bits."""
    return secrets.token_urlsafe(12)


def checked(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(set(password)) < 4:
        raise WeakPassword("a password of one or two repeated characters is too plain")
    return password


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
