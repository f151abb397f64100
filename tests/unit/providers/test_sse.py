"""SSE and NDJSON parsing of byte chunks, with chunk boundaries anywhere."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pen.providers.sse import (
    LineSplitter,
    NDJSONDecoder,
    SSEDecoder,
    SSEEvent,
    StreamFormatError,
    iter_ndjson,
    iter_sse,
)

SAMPLE = (
    b": keep-alive\r\n\r\n"
    b"event: message_start\r\ndata: {\"text\":\"caf\xc3\xa9 \xf0\x9f\x99\x82 \xe6\x97\xa5\"}\r\n\r\n"
    b"data: line1\ndata: line2\n\n"
    b"id: 3\nretry: 10\nunknown: field\ndata:no-space\n\n"
    b"\rdata:  two spaces\r\r"
    b"event: ping\n\n"
    b"data: [DONE]\n\n"
)
EXPECTED = [
    SSEEvent("message_start", '{"text":"café 🙂 日"}'),
    SSEEvent("", "line1\nline2"),
    SSEEvent("", "no-space"),
    SSEEvent("", " two spaces"),
    SSEEvent("ping", ""),
    SSEEvent("", "[DONE]"),
]


def decode_sse(chunks):
    return list(iter_sse(chunks))


def test_sse_sample_parses_whole():
    assert decode_sse([SAMPLE]) == EXPECTED


def test_sse_sample_parses_with_one_boundary_at_every_byte_offset():
    for i in range(len(SAMPLE) + 1):
        assert decode_sse([SAMPLE[:i], SAMPLE[i:]]) == EXPECTED, i


def test_sse_sample_parses_with_two_boundaries_at_every_pair_of_offsets():
    for i in range(len(SAMPLE) + 1):
        for j in range(i, len(SAMPLE) + 1):
            assert decode_sse([SAMPLE[:i], SAMPLE[i:j], SAMPLE[j:]]) == EXPECTED, (i, j)


def test_sse_sample_parses_one_byte_at_a_time():
    assert decode_sse([SAMPLE[i : i + 1] for i in range(len(SAMPLE))]) == EXPECTED


def test_crlf_split_between_chunks_is_one_line_end_not_two():
    # a spurious empty line would dispatch "a" alone, before "b" arrives
    assert decode_sse([b"data: a\r", b"\ndata: b\r\n\r\n"]) == [SSEEvent("", "a\nb")]


def test_a_comment_only_stream_yields_nothing():
    assert decode_sse([b": OPENROUTER PROCESSING\n\n: ping\n\n"]) == []


def test_fields_without_data_do_not_dispatch_an_event():
    assert decode_sse([b"id: 1\nretry: 5\n\n"]) == []


def test_last_event_without_its_blank_line_is_dispatched_at_the_end():
    assert decode_sse([b"data: {\"done\":true}\n"]) == [SSEEvent("", '{"done":true}')]
    assert decode_sse([b"data: partial"]) == [SSEEvent("", "partial")]


def test_invalid_utf8_is_replaced_not_raised():
    assert decode_sse([b"data: caf\xff\xfe!\n\n"]) == [SSEEvent("", "caf\ufffd\ufffd!")]


def test_a_multibyte_character_split_across_chunks_is_kept_whole():
    emoji = "🙂".encode()
    assert decode_sse([b"data: a" + emoji[:1], emoji[1:3], emoji[3:] + b"b\n\n"]) == [SSEEvent("", "a🙂b")]


def test_a_line_longer_than_the_limit_is_refused():
    decoder = SSEDecoder(max_line=64)
    decoder.feed(b"data: " + b"x" * 50)
    with pytest.raises(StreamFormatError):
        decoder.feed(b"y" * 50)


def test_line_splitter_handles_every_line_ending():
    splitter = LineSplitter()
    assert splitter.feed(b"a\nb\r\nc\rd") == ["a", "b", "c"]
    assert splitter.feed(b"\r") == ["d"]
    assert splitter.feed(b"\n") == []  # the \n of the \r\n split across chunks
    assert splitter.feed(b"\ne") == [""]
    assert splitter.flush() == ["e"]


NDJSON = (b'{"message":{"content":"caf\xc3\xa9"},"done":false}\r\n'
          b'\n   \n'
          b'{"message":{"content":"\xf0\x9f\x99\x82"},"done":false}\n'
          b'{"done":true,"eval_count":2}')
NDJSON_EXPECTED = [{"message": {"content": "café"}, "done": False},
                   {"message": {"content": "🙂"}, "done": False},
                   {"done": True, "eval_count": 2}]


def test_ndjson_parses_with_a_boundary_at_every_byte_offset():
    for i in range(len(NDJSON) + 1):
        lines = list(iter_ndjson([NDJSON[:i], NDJSON[i:]]))
        assert [json.loads(line) for line in lines] == NDJSON_EXPECTED, i


def test_ndjson_skips_blank_lines():
    decoder = NDJSONDecoder()
    assert decoder.feed(b"\n\r\n  \n{}\n") == ["{}"]
    assert decoder.flush() == []


# -- property-based: any events, any line endings, any chunking ---------------------------------

line_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=20)
event_names = st.sampled_from(["", "message_start", "content_block_delta", "ping", "error"])
events = st.lists(st.tuples(event_names, st.lists(line_text, min_size=1, max_size=3)), max_size=6)
line_ends = st.sampled_from([b"\n", b"\r\n", b"\r"])


@st.composite
def encoded_streams(draw):
    items = draw(events)
    body = b""

    def line(text: bytes) -> bytes:
        # after a bare "\r", an empty line must not start with "\n" (that would be one "\r\n")
        ending = draw(line_ends)
        if not text and body.endswith(b"\r") and ending == b"\n":
            ending = b"\r"
        return text + ending

    for name, data_lines in items:
        if draw(st.booleans()):
            body += line(b": comment")
        if name:
            body += line(f"event: {name}".encode())
        for data in data_lines:
            body += line(b"data: " + data.encode())
        body += line(b"")
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=8)))
    chunks = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    expected = [SSEEvent(name, "\n".join(lines)) for name, lines in items]
    return chunks, expected


@given(encoded_streams())
def test_sse_events_survive_any_line_endings_and_any_chunking(case):
    chunks, expected = case
    assert decode_sse(chunks) == expected
