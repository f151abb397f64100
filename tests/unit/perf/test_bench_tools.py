"""The benchmark's own tools: percentiles, tables, and the streaming client's parser."""

import json

import pytest

from bench.client import Stream
from bench.stats import percentile, summary, table


def test_percentile_interpolates_between_ranks():
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(101)), 95) == 95
    assert summary([3, 1, 2]) == {"n": 3, "p50": 2, "p95": pytest.approx(2.9), "min": 1, "max": 3}


def test_table_aligns_columns_and_prints_missing_values_as_dashes():
    text = table("T", ("name", "value"), [("a", 1.24), ("longer", None)], digits=1)
    lines = text.strip().splitlines()
    assert lines[0] == "T"
    assert lines[1] == "| name   | value |"
    assert lines[3] == "| a      |   1.2 |"
    assert lines[4] == "| longer |     - |"


def chunked(body: bytes, size: int = 7) -> bytes:
    out = b""
    for start in range(0, len(body), size):
        part = body[start:start + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


PEN_BODY = (
    b'data: <article class="msg msg-user" id="msg-1">hi</article>\ndata: <article id="msg-2"></article>\n\n'
    b": keep-alive\n\n"
    b'data: <div id="msg-2-body" hx-swap-oob="innerHTML"><p>pen</p></div>\n\n'
    b'data: <article class="msg msg-assistant" id="msg-2" hx-swap-oob="outerHTML">\n'
    b'data: <textarea class="msg-source" hidden readonly>pen &amp; ink</textarea></article>\n\n'
)


@pytest.mark.parametrize("split", [1, 2, 3, 5, 11, 64, 4096])
def test_pen_stream_is_parsed_whatever_the_packet_boundaries(split):
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(PEN_BODY)
    stream = Stream("127.0.0.1", 1, b"", "pen")
    feed(stream, raw, split)
    assert stream.status == 200 and stream.error is None and stream.ended_at is not None
    assert stream.events == 3 and stream.keepalives == 1 and stream.text_events == 1
    assert stream.first_text_at is not None
    assert stream.reply_text() == "pen & ink" and stream.message_id() == 2


def test_openai_stream_collects_the_deltas():
    events = [{"choices": [{"delta": {"content": word}}]} for word in ("pen ", "ink ", "日本語 ")]
    body = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + b"data: [DONE]\n\n"
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + body
    stream = Stream("127.0.0.1", 1, b"", "openai")
    feed(stream, raw, 9, close=True)
    assert stream.error is None and stream.reply_text() == "pen ink 日本語 " and stream.text_events == 3


def test_a_stream_cut_before_its_end_is_an_error():
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(PEN_BODY)[:40]
    stream = Stream("127.0.0.1", 1, b"", "pen")
    feed(stream, raw, 16, close=True)
    assert stream.error == "connection closed mid-stream"


def test_an_http_error_is_an_error():
    stream = Stream("127.0.0.1", 1, b"", "pen")
    feed(stream, b"HTTP/1.1 429 TOO MANY REQUESTS\r\nContent-Length: 2\r\n\r\nno", 100)
    assert stream.error == "HTTP 429"


class FakeSocket:
    def __init__(self, data: bytes, size: int, close: bool):
        self.parts = [data[i:i + size] for i in range(0, len(data), size)] + ([b""] if close else [])

    def recv(self, _n):
        return self.parts.pop(0)

    def close(self):
        pass


def feed(stream: Stream, raw: bytes, size: int, close: bool = False) -> None:
    stream.sock = FakeSocket(raw, size, close)
    while stream.sock.parts:
        if stream.on_readable():
            return
