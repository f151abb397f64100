"""A light HTTP/1.1 client for many simultaneous Server-Sent Event streams, in one thread.

Each `Stream` is a raw non-blocking socket; `run_streams` drives them all with `selectors`,
decodes chunked bodies and splits SSE events, stamping the moments that matter (request sent,
first event with reply text, end of stream) with `time.perf_counter()`. The per-event work is a
few `bytes` operations, so one client thread keeps up with 500 streams on a 2-core machine, and
the client's own CPU time is measured and reported beside the server's.
"""

from __future__ import annotations

import html
import json
import re
import resource
import selectors
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

PEN_BODY_UPDATE = b'-body" hx-swap-oob="innerHTML">'
PEN_FINAL = b'hx-swap-oob="outerHTML"'
SOURCE = re.compile(r'<textarea class="msg-source"[^>]*>(.*?)</textarea>', re.S)
MESSAGE_ID = re.compile(r'id="msg-(\d+)"')


class ProtocolError(Exception):
    pass


@dataclass
class Stream:
    """One request whose streamed answer is read as it arrives."""

    host: str
    port: int
    request: bytes
    kind: str  # "pen" (Pen's SSE relay) or "openai" (the fake's chat completions stream)
    tag: object = None
    sock: socket.socket | None = None
    sent_at: float = 0.0
    headers_at: float | None = None
    first_text_at: float | None = None
    ended_at: float | None = None
    status: int | None = None
    events: int = 0
    keepalives: int = 0
    text_events: int = 0
    first_event: str | None = None
    last_event: str | None = None
    openai_text: list[str] = field(default_factory=list)
    error: str | None = None
    _raw: bytearray = field(default_factory=bytearray)
    _body: bytearray = field(default_factory=bytearray)
    _chunked: bool = False
    _length: int | None = None
    _headers_done: bool = False
    _finished: bool = False
    _consumed: int = 0

    # --- results -------------------------------------------------------------------------
    @property
    def ttft(self) -> float | None:
        return None if self.first_text_at is None else self.first_text_at - self.sent_at

    @property
    def total(self) -> float | None:
        return None if self.ended_at is None else self.ended_at - self.sent_at

    def reply_text(self) -> str | None:
        """The reply's final text as the client saw it: Pen's final message (its source), or the
        concatenated deltas of the fake's stream."""
        if self.kind == "openai":
            return "".join(self.openai_text)
        match = SOURCE.search(self.last_event or "")
        return html.unescape(match.group(1)) if match else None

    def message_id(self) -> int | None:
        """The id of the reply Pen streamed (its final message)."""
        match = MESSAGE_ID.search(self.last_event or "")
        return int(match.group(1)) if match else None

    # --- I/O -----------------------------------------------------------------------------
    def open(self) -> None:
        self.sock = socket.create_connection((self.host, self.port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sent_at = time.perf_counter()
        self.sock.sendall(self.request)
        self.sock.setblocking(False)

    def on_readable(self) -> bool:
        """Read what is there; True when the stream is over (ended or failed)."""
        try:
            data = self.sock.recv(262144)
        except BlockingIOError:
            return False
        except OSError as exc:
            return self.fail(f"recv: {exc}")
        now = time.perf_counter()
        if not data:
            if not self._finished and not (self._headers_done and not self._chunked and self._length is None):
                return self.fail("connection closed mid-stream")
            return self.end(now)
        try:
            if not self._headers_done:
                self._raw += data
                head, sep, rest = self._raw.partition(b"\r\n\r\n")
                if not sep:
                    return False
                self._parse_head(bytes(head), now)
                data = bytes(rest)
                self._raw = bytearray()
            self._feed_body(data, now)
        except ProtocolError as exc:
            return self.fail(str(exc))
        return self._finished and self.end(now)

    def fail(self, error: str) -> bool:
        self.error = self.error or error
        self.ended_at = self.ended_at or time.perf_counter()
        return True

    def end(self, now: float) -> bool:
        self.ended_at = self.ended_at or now
        return True

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _parse_head(self, head: bytes, now: float) -> None:
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ProtocolError(f"bad status line {lines[0][:80]!r}")
        self.status = int(parts[1])
        self.headers_at = now
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"transfer-encoding" and b"chunked" in value.lower():
                self._chunked = True
            elif name == b"content-length":
                self._length = int(value.strip())
        self._headers_done = True
        if self.status != 200:
            self.error = f"HTTP {self.status}"

    def _feed_body(self, data: bytes, now: float) -> None:
        if not self._chunked:
            self._on_body(data, now)
            if self._length is not None and len(self._body) + self._consumed >= self._length:
                self._finished = True
            return
        self._raw += data
        while True:
            line_end = self._raw.find(b"\r\n")
            if line_end < 0:
                return
            size = int(self._raw[:line_end].split(b";")[0], 16)
            if size == 0:
                self._finished = True
                return
            if len(self._raw) < line_end + 2 + size + 2:
                return
            chunk = bytes(self._raw[line_end + 2:line_end + 2 + size])
            del self._raw[:line_end + 2 + size + 2]
            self._on_body(chunk, now)

    def _on_body(self, data: bytes, now: float) -> None:
        self._body += data
        while True:
            end = self._body.find(b"\n\n")
            if end < 0:
                return
            block = bytes(self._body[:end])
            del self._body[:end + 2]
            self._consumed += end + 2
            self._on_event(block, now)

    def _on_event(self, block: bytes, now: float) -> None:
        data = [line[6:] if line.startswith(b"data: ") else line[5:] for line in block.split(b"\n")
                if line.startswith(b"data:")]
        if not data:
            self.keepalives += 1
            return
        self.events += 1
        payload = b"\n".join(data)
        if self.kind == "pen":
            if self.first_event is None:
                self.first_event = payload.decode()
            if PEN_BODY_UPDATE in payload and not payload.startswith(b"<article"):
                self.text_events += 1
                if self.first_text_at is None:
                    self.first_text_at = now
            elif PEN_FINAL in payload and self.first_text_at is None:  # a reply short enough to arrive whole
                self.first_text_at = now
            self.last_event = payload.decode()
            return
        if payload.startswith(b"[DONE]"):
            self._finished = True
            return
        chunk = json.loads(payload)
        for choice in chunk.get("choices") or ():
            text = (choice.get("delta") or {}).get("content")
            if text:
                self.text_events += 1
                self.openai_text.append(text)
                if self.first_text_at is None:
                    self.first_text_at = now


def run_streams(streams: Iterable[Stream], *, timeout: float = 120.0,
                on_tick: Callable[[], None] | None = None, tick_every: float = 0.25) -> dict:
    """Open every stream (each sends its request as soon as it is connected), read them all until
    each ends or `timeout` passes. Returns the client's own CPU seconds and the wall time."""
    streams = list(streams)
    selector = selectors.DefaultSelector()
    open_count = 0
    cpu_before = _cpu()
    started = time.perf_counter()
    deadline = started + timeout
    next_tick = started

    def pump(wait: float) -> None:
        nonlocal open_count
        for key, _ in selector.select(wait):
            stream = key.data
            if stream.on_readable():
                selector.unregister(stream.sock)
                stream.close()
                open_count -= 1

    try:
        for stream in streams:
            try:
                stream.open()
            except OSError as exc:
                stream.fail(f"connect/send: {exc}")
                continue
            selector.register(stream.sock, selectors.EVENT_READ, stream)
            open_count += 1
            pump(0)  # read what already arrived, so the first streams are not kept waiting
        while open_count and time.perf_counter() < deadline:
            pump(min(tick_every, max(0.0, deadline - time.perf_counter())))
            if on_tick and time.perf_counter() >= next_tick:
                on_tick()
                next_tick = time.perf_counter() + tick_every
    finally:
        for key in list(selector.get_map().values()):
            key.data.fail("timed out")
            key.data.close()
        selector.close()
    return {"client_cpu_s": _cpu() - cpu_before, "wall_s": time.perf_counter() - started}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- requests ------------------------------------------------------------------------------
def http_request(method: str, host: str, port: int, path: str, *, headers: dict[str, str] | None = None,
                 body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def pen_send(host: str, port: int, session, *, chat_id: int, model: str, message: str, tag=None) -> Stream:
    """POST /chats/send as htmx's hx-sse extension sends it (form body, CSRF header, cookie)."""
    body = urlencode({"message": message, "model": model, "chat_id": chat_id}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html, text/event-stream",
               "HX-Request": "true", "X-CSRFToken": session.csrf, "Cookie": session.cookie}
    return Stream(host, port, http_request("POST", host, port, "/chats/send", headers=headers, body=body), "pen", tag)


def openai_stream(host: str, port: int, *, model: str, messages: list[dict], api_key: str, tag=None) -> Stream:
    """The request Pen's openai dialect makes, sent straight to the fake provider."""
    body = json.dumps({"model": model, "messages": messages, "stream": True,
                       "stream_options": {"include_usage": True}}).encode()
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream",
               "Authorization": f"Bearer {api_key}"}
    return Stream(host, port, http_request("POST", host, port, "/v1/chat/completions", headers=headers, body=body),
                  "openai", tag)
