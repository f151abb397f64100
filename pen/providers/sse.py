"""Incremental parsers for streamed bodies, fed with raw byte chunks as they arrive.

* ``LineSplitter`` splits bytes into lines on ``\\n``, ``\\r\\n`` or ``\\r`` — also when a ``\\r\\n``
  pair or a multi-byte UTF-8 character is split between two chunks (lines are decoded only once
  complete; a newline byte never occurs inside a UTF-8 sequence).
* ``SSEDecoder`` implements the WHATWG event-stream rules (``data:`` lines joined with ``\\n``,
  one leading space stripped, ``event:`` names, comments and ``id:``/``retry:`` ignored, a blank
  line dispatches).
* ``NDJSONDecoder`` yields each non-blank line (Ollama's native stream).

Invalid UTF-8 is replaced with U+FFFD rather than raising. A line longer than ``max_line`` bytes
raises ``StreamFormatError`` (a server that never sends a newline must not exhaust memory).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

__all__ = [
    "LineSplitter",
    "NDJSONDecoder",
    "SSEDecoder",
    "SSEEvent",
    "StreamFormatError",
    "iter_ndjson",
    "iter_sse",
]

MAX_LINE = 16 * 1024 * 1024
_EOL = re.compile(rb"\r\n|\r|\n")


class StreamFormatError(ValueError):
    """The stream cannot be parsed (e.g. a line without end)."""


class LineSplitter:
    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._buf = b""
        self._skip_lf = False  # the previous chunk ended with "\r": a leading "\n" belongs to it
        self._max_line = max_line

    def feed(self, data: bytes) -> list[str]:
        if not data:
            return []
        if self._skip_lf and data[:1] == b"\n":
            data = data[1:]
            if not data:
                self._skip_lf = False
                return []
        self._skip_lf = False
        buf = self._buf + data if self._buf else data
        lines: list[str] = []
        pos = 0
        for match in _EOL.finditer(buf):
            lines.append(buf[pos : match.start()].decode("utf-8", errors="replace"))
            pos = match.end()
        self._buf = buf[pos:]
        if pos and pos == len(buf) and buf[-1:] == b"\r":
            self._skip_lf = True
        if len(self._buf) > self._max_line:
            raise StreamFormatError(f"a line in the stream exceeded {self._max_line} bytes")
        return lines

    def flush(self) -> list[str]:
        """At end of stream: the last line, if it had no line ending."""
        rest, self._buf = self._buf, b""
        return [rest.decode("utf-8", errors="replace")] if rest else []


class SSEEvent(NamedTuple):
    event: str
    """The ``event:`` name, or ``""`` for an unnamed event."""
    data: str


class SSEDecoder:
    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._lines = LineSplitter(max_line)
        self._event = ""
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        return self._take(self._lines.feed(chunk))

    def flush(self) -> list[SSEEvent]:
        """At end of stream. Unlike a browser, a last event missing its blank line is dispatched:
        the dialects decide from its content whether the stream was complete."""
        events = self._take(self._lines.flush())
        events.extend(self._take([""]))
        return events

    def _take(self, lines: list[str]) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        for line in lines:
            if not line:
                if self._data or self._event:
                    events.append(SSEEvent(self._event, "\n".join(self._data)))
                self._event, self._data = "", []
                continue
            if line[0] == ":":
                continue  # comment / keep-alive
            name, colon, value = line.partition(":")
            if colon and value[:1] == " ":
                value = value[1:]
            if name == "data":
                self._data.append(value)
            elif name == "event":
                self._event = value
            # "id", "retry" and unknown fields are ignored
        return events


class NDJSONDecoder:
    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._lines = LineSplitter(max_line)

    def feed(self, chunk: bytes) -> list[str]:
        return [line for line in self._lines.feed(chunk) if line.strip()]

    def flush(self) -> list[str]:
        return [line for line in self._lines.flush() if line.strip()]


def iter_sse(chunks: Iterable[bytes], max_line: int = MAX_LINE) -> Iterator[SSEEvent]:
    decoder = SSEDecoder(max_line)
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()


def iter_ndjson(chunks: Iterable[bytes], max_line: int = MAX_LINE) -> Iterator[str]:
    decoder = NDJSONDecoder(max_line)
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()
