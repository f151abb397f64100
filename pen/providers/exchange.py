"""One HTTP exchange with a provider: headers, sending, typed errors, and reading the body under
the read (idle) timeout and the call's total deadline.

Bodies are read from urllib3 directly, chunk by chunk as they arrive (``read_chunked`` for a
chunked body, ``read1`` otherwise), and split into lines by ``sse.py`` — not with
``Response.iter_lines``, which decodes text as ISO-8859-1 and can split ``\\r\\n`` in two.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3 import exceptions as u3

from . import transport, urls
from .dialects import ChatCall, Dialect, HttpRequest
from .errors import (
    BadRequest,
    NetworkError,
    ProviderError,
    Timeout,
    TruncatedStream,
    Unavailable,
    error_from_body,
    redact,
)
from .sse import StreamFormatError, iter_ndjson, iter_sse

__all__ = ["BodyReader", "open_response", "read_json", "stream_items"]

MAX_ERROR_BODY = 64 * 1024
MAX_JSON_BODY = 32 * 1024 * 1024
READ_SIZE = 64 * 1024
_READ_ERRORS = (u3.HTTPError, OSError, http.client.HTTPException)


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.hostname or "the provider"


def request_headers(call: ChatCall, api_key: str | None, dialect: Dialect, *, stream: bool) -> dict[str, str]:
    headers = {"User-Agent": call.settings.user_agent, "Accept": "application/json"}
    if stream:
        headers["Accept"] = "application/x-ndjson" if dialect.stream_format == "ndjson" else "text/event-stream"
        headers["Accept-Encoding"] = "identity"  # compressed streams arrive in lumps
    headers.update(call.spec.extra_headers)
    headers.update(dialect.headers(call.settings))
    headers.update(call.spec.auth_headers(api_key))
    return headers


def _connection_error(exc: requests.RequestException, url: str, dialect: Dialect) -> ProviderError:
    host = _host(url)
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    detail = redact(str(reason or exc))
    detail = re.sub(r"^.*?: (?=Failed|\[Errno|Max retries)", "", detail)  # drop urllib3's connection repr
    if isinstance(reason, transport.BlockedConnectionError):
        return NetworkError(f"{host} is on a private or local network, which this server refuses for providers.",
                            retryable=False)
    if isinstance(exc, requests.ConnectTimeout):
        return Timeout(f"Connecting to {host} timed out.{dialect.network_hint}", provider_message=detail)
    if isinstance(exc, requests.ReadTimeout):
        return Timeout(f"{host} did not answer in time.", provider_message=detail)
    if isinstance(exc, requests.exceptions.SSLError):
        return NetworkError(f"The secure (TLS) connection to {host} failed. Check the URL and certificates.",
                            provider_message=detail)
    if isinstance(exc, requests.ConnectionError):
        return NetworkError(f"Could not connect to {host}.{dialect.network_hint or ' Check the base URL.'}",
                            provider_message=detail)
    return BadRequest(f"The request to {host} could not be made: check the provider's base URL and headers.",
                      provider_message=detail)


def _refuse_private_via_proxy(url: str, proxies: dict[str, str]) -> None:
    """Through a proxy the connect-time guard sees the proxy, so check the target here."""
    try:
        urls.check_host(urlsplit(url).hostname or "", urlsplit(url).port)
    except urls.InvalidBaseURL as exc:
        raise NetworkError(str(exc), retryable=False) from exc


def open_response(call: ChatCall, api_key: str | None, dialect: Dialect, request: HttpRequest, base: str,
                  deadline: float, abort: transport.Abort, *, endpoint: str = "chat") -> requests.Response:
    """Send ``request`` to ``base``; return the open 2xx response or raise a typed error."""
    url = dialect.url(base, request.path)
    headers = request_headers(call, api_key, dialect, stream=call.stream and endpoint == "chat")
    headers.update(request.headers)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Timeout("The provider call took longer than the overall time limit.")
    block_private = call.settings.block_private_urls
    proxies = transport.environment_proxies(url)
    if proxies and block_private:
        _refuse_private_via_proxy(url, proxies)
    timeout = (min(call.settings.connect_timeout, remaining), min(call.settings.read_timeout, remaining))
    try:
        with transport.sending(abort):
            response = transport.get_session(block_private).request(
                request.method, url, params=request.params or None, json=request.json, headers=headers,
                stream=True, timeout=timeout, allow_redirects=False, proxies=proxies,
                verify=transport.environment_verify())
    except requests.RequestException as exc:
        raise _connection_error(exc, url, dialect) from None
    abort.watch_response(response)
    if not 200 <= response.status_code < 300:
        try:
            body = b"".join(BodyReader(response, call, deadline, limit=MAX_ERROR_BODY))
        except ProviderError:
            body = b""
        finally:
            response.close()
        headers_lower = {k.lower(): v for k, v in response.headers.items()}
        raise error_from_body(response.status_code, headers_lower, body, model=call.model or None,
                              endpoint=endpoint)
    content_type = response.headers.get("content-type", "").lower()
    if "text/html" in content_type:
        response.close()
        raise Unavailable(f"{_host(url)} answered with a web page instead of an API response. "
                          "Check the provider's base URL.", status=response.status_code)
    return response


class BodyReader:
    """The response body as byte chunks, as they arrive. Enforces the idle and total timeouts."""

    def __init__(self, response: requests.Response, call: ChatCall, deadline: float, limit: int | None = None):
        self.raw = response.raw
        self.read_timeout = call.settings.read_timeout
        self.deadline = deadline
        self.limit = limit
        self._source: Iterator[bytes] | None = None

    def _chunks(self) -> Iterator[bytes]:
        raw = self.raw
        if raw.chunked and raw.supports_chunked_reads():
            yield from raw.read_chunked(None, decode_content=True)
            return
        while data := raw.read1(READ_SIZE, decode_content=True):
            yield data

    def _set_timeout(self, seconds: float) -> None:
        sock = getattr(self.raw.connection, "sock", None)
        if sock is not None:
            sock.settimeout(max(seconds, 0.001))

    def __iter__(self) -> Iterator[bytes]:
        source = self._source = self._chunks()
        received = 0
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise Timeout("The provider call took longer than the overall time limit.")
            self._set_timeout(min(self.read_timeout, remaining))
            try:
                chunk = next(source)
            except StopIteration:
                return
            except _READ_ERRORS as exc:
                raise self._error(exc) from None
            received += len(chunk)
            if self.limit is not None and received > self.limit:
                yield chunk[: max(0, len(chunk) - (received - self.limit))]
                return
            yield chunk

    def _error(self, exc: BaseException) -> ProviderError:
        if isinstance(exc, u3.ReadTimeoutError | TimeoutError):
            if time.monotonic() >= self.deadline - 0.01:
                return Timeout("The provider call took longer than the overall time limit.")
            return Timeout(f"The provider sent nothing for {self.read_timeout:g} seconds.")
        if isinstance(exc, u3.DecodeError):
            return Unavailable("The provider's answer could not be decoded.", provider_message=redact(str(exc)))
        return TruncatedStream("The connection to the provider broke before the reply was complete.")

    def drain(self, limit: int = READ_SIZE, wait: float = 0.05) -> None:
        """After a stream's terminator: read the body's end briefly so the connection can be reused."""
        if self._source is None:
            return
        try:
            self._set_timeout(wait)
            for chunk in self._source:
                limit -= len(chunk)
                if limit < 0:
                    return
        except (*_READ_ERRORS, ValueError):
            return


class StreamItems:
    """SSE events or NDJSON lines from a streamed body; ``drain()`` as for ``BodyReader``."""

    def __init__(self, reader: BodyReader, stream_format: str) -> None:
        self.reader = reader
        self.stream_format = stream_format

    def __iter__(self) -> Iterator[Any]:
        parse = iter_ndjson if self.stream_format == "ndjson" else iter_sse
        try:
            yield from parse(self.reader)
        except StreamFormatError as exc:
            raise Unavailable("The provider sent a malformed stream.", provider_message=str(exc)) from None

    def drain(self) -> None:
        self.reader.drain()


def stream_items(response: requests.Response, call: ChatCall, dialect: Dialect, deadline: float) -> StreamItems:
    return StreamItems(BodyReader(response, call, deadline), dialect.stream_format)


def read_json(response: requests.Response, call: ChatCall, deadline: float) -> Any:
    """The whole JSON body (bounded). Leading blank lines (DeepSeek under load) are fine."""
    body = b"".join(BodyReader(response, call, deadline, limit=MAX_JSON_BODY))
    try:
        return json.loads(body.decode("utf-8", errors="replace"))
    except ValueError:
        raise Unavailable("The provider's answer was not valid JSON. Check the provider's base URL.",
                          provider_message=body[:200].decode("utf-8", errors="replace")) from None
