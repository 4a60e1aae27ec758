"""Text messages through an HTTP gateway: a JSON POST, accepted by any 2xx answer."""

from __future__ import annotations

import base64
import http.client
import json
import urllib.error
import urllib.request
from urllib.parse import unquote, urlsplit

from delivery.channels import TIMEOUT_SECONDS, DeliveryError, Outgoing, describe, redact
from delivery.http_json import OPENER


class SmsGateway:
    """Text messages as a JSON POST `{"phone", "text", "id"}` to an HTTP gateway; 2xx accepts."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        self._headers = {"Content-Type": "application/json; charset=utf-8"}
        if parts.username:
            # urllib cannot take credentials inside a URL: they travel as HTTP basic auth.
            token = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            self._headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
        self._endpoint = redact(url) + (f"?{parts.query}" if parts.query else "")

    def send(self, message: Outgoing) -> None:
        payload = {"phone": message.address, "text": message.body, "id": message.shown_as}
        request = urllib.request.Request(  # noqa: S310  (the scheme is checked by Settings)
            self._endpoint,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers=self._headers,
            method="POST",
        )
        try:
            with OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"SMS gateway {redact(self.url)} answered {error.code}") from None
        except (OSError, urllib.error.URLError, http.client.HTTPException) as error:
            # HTTPException: the gateway answered something that is not HTTP at all.
            raise DeliveryError(f"SMS gateway {redact(self.url)}: {describe(error)}") from None

    def close(self) -> None:
        return None
