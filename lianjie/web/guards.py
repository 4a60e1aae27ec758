"""What every answer of the site gets, whatever route made it: a bound on what a request may
send, and the headers that keep a page out of frames, caches and guessed types."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from http.cookies import CookieError, SimpleCookie
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]

FORM_BYTES = 64 * 1024  # a sign-in or a confirmation: a few fields
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; form-action 'self'; frame-ancestors "
        b"'none'; base-uri 'none'; object-src 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class TooLarge(Exception):
    pass


class Guarded:
    """The site's application behind its guards. A request may send at most `upload_bytes` to
    a path that takes files, when its session cookie is good (`signed_in`), and FORM_BYTES
    anywhere else: checked from its declared length first, then as its body comes in, before
    the form is read. A stranger's file is refused at its first 64 KB, never spooled to disk."""

    def __init__(
        self,
        app: ASGI,
        *,
        upload_bytes: int,
        upload_paths: tuple[str, ...],
        signed_in: Callable[[str | None], bool],
        session_cookie: str,
    ) -> None:
        self.app, self.upload_bytes, self.upload_paths = app, upload_bytes, upload_paths
        self.signed_in, self.session_cookie = signed_in, session_cookie

    def _limit(self, scope: Scope) -> int:
        if scope["path"] not in self.upload_paths:
            return FORM_BYTES
        cookies = SimpleCookie()
        with contextlib.suppress(CookieError):
            cookies.load(dict(scope.get("headers") or []).get(b"cookie", b"").decode("latin-1"))
        morsel = cookies.get(self.session_cookie)
        return self.upload_bytes if self.signed_in(morsel.value if morsel else None) else FORM_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > limit:
            await _too_large(send)
            return
        received, started = 0, False

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((name, value) for name, value in HEADERS if name not in names),
                ]
            await send(message)

        try:
            await self.app(scope, bounded, guarded_send)
        except TooLarge:
            if not started:
                await _too_large(send)


async def _too_large(send: Send) -> None:
    body = b"request too large"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain"), *HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})
