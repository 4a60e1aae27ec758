"""JSON over HTTP for the providers' APIs: no redirects followed, errors without secrets.

The work apps put their access token in the query string, so an error names the endpoint's
host and path only (`redact`), never the URL as called.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from delivery.channels import TIMEOUT_SECONDS, DeliveryError, describe, redact


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: a failure kept for retry.

    Followed, it would turn the POST into a GET without its body (the text "sent" to nobody)
    and carry the credentials to another host.
    """

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


OPENER = urllib.request.build_opener(_NoRedirects)


def call_json(
    url: str,
    payload: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
    name: str,
) -> Any:
    """POST `payload` as JSON (or GET without one) and read the JSON answer; `name` says who
    answered in an error ("WeCom")."""
    data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310  (the scheme is checked by Settings)
        url,
        data=data,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="GET" if data is None else "POST",
    )
    try:
        with OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"{name} {redact(url)} answered {error.code}") from None
    except json.JSONDecodeError:
        raise DeliveryError(f"{name} {redact(url)} answered something that is not JSON") from None
    except (OSError, urllib.error.URLError, http.client.HTTPException) as error:
        # HTTPException: the server answered something that is not HTTP at all.
        raise DeliveryError(f"{name} {redact(url)}: {describe(error)}") from None


class TokenApi:
    """A work app's API (WeCom, DingTalk): an access token from its gettoken, carried in each
    call's query string; a token it no longer takes is fetched again, once."""

    def __init__(
        self,
        name: str,
        api_url: str,
        token_path: str,
        credentials: dict[str, str],
        stale: frozenset[int],
    ) -> None:
        self.name, self.api_url, self.stale = name, api_url, stale
        self._token_url = f"{api_url}{token_path}?{urlencode(credentials)}"
        self._token: str | None = None

    def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST to `path`; its answer, once the app says errcode 0."""
        answer: dict[str, Any] = {}
        for _ in range(2):
            query = urlencode({"access_token": self._access_token()})
            answer = self._answer(
                call_json(f"{self.api_url}{path}?{query}", payload, name=self.name)
            )
            if answer.get("errcode") not in self.stale:
                break
            self._token = None
        self._check(answer)
        return answer

    def forget(self) -> None:
        self._token = None

    def _access_token(self) -> str:
        if self._token is None:
            answer = self._answer(call_json(self._token_url, name=self.name))
            self._check(answer)
            self._token = str(answer["access_token"])
        return self._token

    @staticmethod
    def _answer(called: Any) -> dict[str, Any]:
        return called if isinstance(called, dict) else {"errcode": -1, "errmsg": "no answer"}

    def _check(self, answer: dict[str, Any]) -> None:
        # errmsg is the app's own words ("invalid credential, hint: [...]"): no secret in them.
        if answer.get("errcode", -1) != 0:
            said = f"errcode {answer.get('errcode')} {answer.get('errmsg', '')}".strip()
            raise DeliveryError(f"{self.name} refused: {said}")
