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
