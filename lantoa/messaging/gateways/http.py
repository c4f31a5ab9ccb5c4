"""The HTTP calls gateways make (standard library only), with provider failures sorted into transient and
permanent ones: a timeout, a refused connection, HTTP 5xx or 429 are worth retrying; other 4xx are not."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request

from lantoa.messaging.gateways.base import PermanentError, TransientError


def _open(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured http(s) URL)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()[:300].decode("utf-8", "replace")
        if exc.code >= 500 or exc.code == 429:
            raise TransientError(f"HTTP {exc.code}: {body}", code=str(exc.code)) from exc
        raise PermanentError(f"HTTP {exc.code}: {body}", code=str(exc.code)) from exc
    except TimeoutError as exc:
        raise TransientError("timeout", code="timeout") from exc
    except urllib.error.URLError as exc:
        raise TransientError(f"connection: {exc.reason}", code="connection") from exc
    except (ConnectionError, OSError) as exc:
        raise TransientError(f"connection: {exc}", code="connection") from exc
    except http.client.HTTPException as exc:
        # Not HTTP at all (BadStatusLine) or cut short (IncompleteRead): garbage, worth another try.
        raise TransientError(f"unreadable answer: {exc!r}"[:200], code="garbage") from exc


def _check_scheme(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise PermanentError(f"not an http(s) URL: {url!r}", code="config")


def get(url: str, params: dict, *, timeout: float, headers: dict | None = None) -> tuple[int, str]:
    _check_scheme(url)
    full = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
    status, body = _open(urllib.request.Request(full, headers=headers or {}), timeout)  # noqa: S310
    return status, body.decode("utf-8", "replace")


def post_json(url: str, payload: dict, *, timeout: float, headers: dict | None = None) -> dict:
    """POST a JSON body; the answer must be a JSON object (anything else is garbage: transient)."""
    _check_scheme(url)
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310
        url, data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    _status, body = _open(request, timeout)
    try:
        answer = json.loads(body)
    except ValueError as exc:
        raise TransientError(f"unreadable answer: {body[:120]!r}", code="garbage") from exc
    if not isinstance(answer, dict):
        raise TransientError(f"unreadable answer: {body[:120]!r}", code="garbage")
    return answer
