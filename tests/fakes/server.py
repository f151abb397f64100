"""The fake provider's HTTP server: routing, auth, recording, and the streaming engine
(timing, keep-alives, drops, noise). The grammar is documented in ``provider.py``."""

from __future__ import annotations

import email.utils
import json
import re
import select
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .scenario import Scenario, UnknownScenario, parse_scenario, reply_tokens
from .wire import BAD_MARK, FakeChat, Wire, WireError, dumps
from .wire.anthropic import AnthropicWire
from .wire.gemini import GeminiWire
from .wire.ollama import OllamaWire
from .wire.openai import OpenAIWire

__all__ = ["DEFAULT_KEY", "ClientGone", "FakeHandler", "FakeServer", "RecordedRequest"]

DEFAULT_KEY = "sk-test-key-123"
WIRES: dict[str, Wire] = {w.name: w for w in (OpenAIWire(), AnthropicWire(), GeminiWire(), OllamaWire())}
_BASE = re.compile(r"^/base-([A-Za-z0-9_.~-]+)(/.*)?$")
_GEMINI = re.compile(r"^/(v1beta|v1)/models/(.+):(generateContent|streamGenerateContent)$")


@dataclass
class RecordedRequest:
    method: str
    path: str
    """Decoded path without the ``/base-<label>`` prefix and the query."""
    raw_path: str
    """The request target exactly as received (prefix and query included)."""
    query: dict[str, str]
    headers: dict[str, str]
    """Lower-case header names."""
    body: bytes
    json: Any
    base: str | None
    dialect: str | None = None
    model: str | None = None
    client_port: int = 0
    disconnected: bool = False


class ClientGone(Exception):
    """The client closed the connection (or the server is stopping)."""


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024
    block_on_close = False

    def __init__(self, address: tuple[str, int], verbose: bool) -> None:
        super().__init__(address, FakeHandler)
        self.verbose = verbose
        self.api_key: str = DEFAULT_KEY
        self.auth_required = True
        self.stopping = threading.Event()
        self.lock = threading.Condition()
        self.records: list[RecordedRequest] = []
        self.disconnects: list[RecordedRequest] = []
        self.queue: list[list[Any]] = []  # [scenario, remaining, base label or None]
        self.counts: dict[str, int] = {}

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that resets a kept-alive connection is normal; anything else is a fake bug."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def record(self, request: RecordedRequest) -> None:
        with self.lock:
            self.records.append(request)
            self.lock.notify_all()

    def client_gone(self, request: RecordedRequest | None) -> None:
        if request is None:
            return
        with self.lock:
            request.disconnected = True
            self.disconnects.append(request)
            self.lock.notify_all()

    def take_queued(self, base: str | None) -> Scenario | None:
        with self.lock:
            for entry in self.queue:
                if entry[2] is None or entry[2] == base:
                    entry[1] -= 1
                    if entry[1] <= 0:
                        self.queue.remove(entry)
                    return entry[0]
        return None

    def count(self, model: str) -> int:
        with self.lock:
            self.counts[model] = self.counts.get(model, 0) + 1
            return self.counts[model]


class FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeProvider/1.0"
    timeout = 60  # idle keep-alive connections end after a minute
    server: FakeServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # small frames, no Nagle delay

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if self.server.verbose:
            sys.stderr.write(f"fake-provider {self.address_string()} {format % args}\n")

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    # -- plumbing ---------------------------------------------------------------------------
    def _handle(self) -> None:
        self._record: RecordedRequest | None = None
        try:
            self._dispatch()
        except (ClientGone, BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            self.server.client_gone(self._record)

    def _wait(self, seconds: float) -> None:
        """Sleep, but notice at once when the client closes the connection or the server stops."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.server.stopping.is_set():
                raise ClientGone
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.1))
            if readable:
                try:
                    peek = self.connection.recv(1, socket.MSG_PEEK)
                except OSError:
                    raise ClientGone from None
                if not peek:
                    raise ClientGone
                time.sleep(min(left, 0.01))

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, dumps(obj).encode(), "application/json", headers)

    def _chunk(self, data: bytes, scenario: Scenario) -> None:
        noise = scenario.kind == "noise"
        if noise:
            data = data.replace(b"\n", b"\r\n")
        size = scenario.chunk or (5 if noise else 0)
        pieces = [data[i : i + size] for i in range(0, len(data), size)] if size else [data]
        for piece in pieces:
            if piece:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))

    # -- dispatch ---------------------------------------------------------------------------
    def _dispatch(self) -> None:
        target = urlsplit(self.path)
        path = unquote(target.path)
        base = None
        if match := _BASE.match(path):
            base, path = match.group(1), match.group(2) or "/"
        query = dict(parse_qsl(target.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self._read_body() if self.command == "POST" else b""
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        record = RecordedRequest(self.command, path, self.path, query, headers, body, parsed, base,
                                 client_port=self.client_address[1])
        self._record = record
        route = self._route(path, headers, query)
        record.dialect = route[0].name if route else None
        self.server.record(record)
        if route is None and path.startswith("/portal"):  # a captive portal / proxy login page
            self._send(200, b"<html><head><title>Sign in to the network</title></head><body>Hi</body></html>",
                       "text/html; charset=utf-8")
            return
        if route is None:
            self._send(404, b"404 page not found", "text/plain; charset=utf-8")
            return
        wire, action, stream, path_model = route
        if action == "version":
            self._send_json(200, {"version": "0.13.0-fake"})
            return
        try:
            wire.check_auth(headers, query, self.server.api_key if self.server.auth_required else None)
            if body and parsed is None:
                raise wire.error(400, "The request body is not valid JSON.")
            chat = None
            if action == "chat":
                strict = "strict" in (path_model or (parsed or {}).get("model") or "")
                chat = wire.parse_chat(parsed, headers, stream=stream, strict=strict, path_model=path_model)
                record.model = chat.model
            scenario = self._scenario(wire, chat, base)
            self._run(wire, action, chat, scenario, query)
        except WireError as err:
            self._send_json(err.status, err.body, err.headers)

    def _route(self, path: str, headers: dict[str, str], query: dict[str, str]) -> tuple | None:
        method = self.command
        if method == "POST" and path in ("/v1/chat/completions", "/chat/completions"):
            return WIRES["openai"], "chat", None, ""
        if method == "POST" and path == "/v1/messages":
            return WIRES["anthropic"], "chat", None, ""
        if method == "POST" and (match := _GEMINI.match(path)):
            stream = match.group(3) == "streamGenerateContent"
            return WIRES["gemini"], "chat", stream, match.group(2)
        if method == "POST" and path == "/api/chat":
            return WIRES["ollama"], "chat", None, ""
        if method == "GET" and path == "/api/tags":
            return WIRES["ollama"], "models", None, ""
        if method == "GET" and path == "/api/version":
            return WIRES["ollama"], "version", None, ""
        if method == "GET" and path in ("/v1/models", "/v1beta/models", "/models"):
            if path == "/v1beta/models" or "x-goog-api-key" in headers or "key" in query:
                return WIRES["gemini"], "models", None, ""
            if "anthropic-version" in headers:
                return WIRES["anthropic"], "models", None, ""
            return WIRES["openai"], "models", None, ""
        return None

    def _scenario(self, wire: Wire, chat: FakeChat | None, base: str | None) -> Scenario:
        queued = self.server.take_queued(base)
        if queued is not None:
            return queued
        if chat is None:
            return Scenario()
        try:
            scenario = parse_scenario(chat.model)
        except UnknownScenario:
            raise wire.not_found(chat.model) from None
        if scenario.fails and scenario.times is not None and self.server.count(chat.model) > scenario.times:
            return scenario.succeeded()
        return scenario

    def _run(self, wire: Wire, action: str, chat: FakeChat | None, scenario: Scenario, query: dict[str, str]) -> None:
        if scenario.kind == "hang":
            self._wait(scenario.seconds)
            self.close_connection = True
            return
        if scenario.kind in ("error", "quota"):
            self._send_error(wire, scenario, chat.model if chat else "")
            return
        if action == "models":
            page_size = scenario.page_size or (2 if scenario.kind == "models_paged" else None)
            self._send_json(200, wire.models(query, page_size, scenario.kind == "models_bare"))
            return
        assert chat is not None
        tokens, finish = reply_tokens(scenario, chat.messages, chat.max_tokens)
        usage = chat.usage(len(tokens)) if scenario.usage else None
        if chat.stream:
            self._stream(wire, chat, scenario, tokens, finish, usage)
        else:
            self._complete(wire, chat, scenario, tokens, finish, usage)

    def _send_error(self, wire: Wire, scenario: Scenario, model: str) -> None:
        status = scenario.status or (500 if scenario.kind == "error" else 429)
        retry = scenario.retry_after if scenario.retry_after is not None else scenario.retry_after_date
        err = (wire.quota_error() if scenario.kind == "quota"
               else wire.error(status, scenario.message, scenario.type, model=model, retry_after=retry))
        headers = dict(err.headers)
        if 300 <= err.status < 400:
            headers["Location"] = "/moved" + self.path
        if scenario.retry_after is not None:
            headers["Retry-After"] = f"{scenario.retry_after:g}"
        if scenario.retry_after_ms is not None:
            headers["retry-after-ms"] = f"{scenario.retry_after_ms:g}"
        if scenario.retry_after_date is not None:
            headers["Retry-After"] = email.utils.formatdate(time.time() + scenario.retry_after_date, usegmt=True)
        if scenario.html:
            phrase = self.responses.get(err.status, ("Error",))[0]
            page = (f"<html>\r\n<head><title>{err.status} {phrase}</title></head>\r\n<body>\r\n"
                    f"<center><h1>{err.status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
                    "</body>\r\n</html>\r\n")
            self._send(err.status, page.encode(), "text/html", headers)
        elif scenario.body is not None:
            self._send(err.status, scenario.body.encode(), "text/plain; charset=utf-8", headers)
        else:
            self._send_json(err.status, err.body, headers)

    def _complete(self, wire: Wire, chat: FakeChat, scenario: Scenario, tokens: list[str], finish: str,
                  usage: tuple[int, int] | None) -> None:
        if scenario.kind == "bad_utf8" and len(tokens) > 1:
            tokens = [tokens[0], BAD_MARK + tokens[1], *tokens[2:]]
        body = dumps(wire.completion(chat, "".join(tokens), finish, usage)).encode()
        body = body.replace(BAD_MARK.encode(), b"\xff")
        if not scenario.blank:
            self._wait(scenario.ttft)
            self._send(200, body, "application/json")
            return
        self._start_chunked("application/json")
        for _ in range(scenario.blank):  # DeepSeek under load: blank lines while it waits
            self._chunk(b"\n", scenario)
            self._wait(scenario.ttft / scenario.blank)
        self._chunk(body, scenario)
        self.wfile.write(b"0\r\n\r\n")

    def _start_chunked(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("x-request-id", "req_fake")
        self.end_headers()

    def _pause(self, seconds: float, wire: Wire, scenario: Scenario) -> None:
        keepalive = wire.keepalive() if scenario.keepalive > 0 else None
        if not keepalive:
            self._wait(seconds)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._wait(min(left, scenario.keepalive))
            if end - time.monotonic() > 0:
                self._chunk(keepalive, scenario)

    def _stream(self, wire: Wire, chat: FakeChat, scenario: Scenario, tokens: list[str], finish: str,
                usage: tuple[int, int] | None) -> None:
        kind, after = scenario.kind, scenario.after if scenario.after is not None else 2
        content_type = wire.stream_content_type
        self._start_chunked(content_type + ("; charset=utf-8" if content_type.startswith("text/") else ""))
        self._pause(scenario.ttft, wire, scenario)
        for frame in wire.head(chat, chat.usage(len(tokens)), kind == "noise"):
            self._chunk(frame, scenario)
        if kind == "noise":
            for frame in wire.noise(chat):
                self._chunk(frame, scenario)
        for index, token in enumerate(tokens):
            if index == after and kind in ("drop", "stream_error"):
                break
            if index:
                self._pause(scenario.delay, wire, scenario)
            text = BAD_MARK + token if kind == "bad_utf8" and index == 1 else token
            frame = wire.delta(chat, text).replace(BAD_MARK.encode(), b"\xff")
            self._chunk(_multiline(frame, wire.sse_fields) if kind == "noise" and index == 0 else frame, scenario)
        if kind == "drop":
            self.connection.shutdown(socket.SHUT_WR)  # mid-body: no terminator, no last chunk
            self.close_connection = True
            return
        if kind == "stream_error":
            self._chunk(wire.stream_error(scenario.type, scenario.message), scenario)
        elif kind != "no_terminator":
            for frame in wire.tail(chat, finish, usage):
                self._chunk(frame, scenario)
            if kind != "no_done":
                self._chunk(wire.terminator(chat, finish, usage), scenario)
        self.wfile.write(b"0\r\n\r\n")


def _multiline(frame: bytes, sse_fields: bool) -> bytes:
    """Split an SSE event's JSON over two ``data:`` lines (joined with a newline: still valid JSON),
    and give it ``id:`` and ``retry:`` fields, which clients ignore."""
    start = frame.find(b"data: ")
    comma = frame.find(b",", start)
    if start < 0 or comma < 0:
        return frame
    fields = b"id: 7\nretry: 1000\n" if sse_fields else b""
    return fields + frame[: comma + 1] + b"\ndata: " + frame[comma + 1 :]
