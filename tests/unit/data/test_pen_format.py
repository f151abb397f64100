"""Reading Pen's own export: validation before anything is written, parents resolved, sizes and files."""

import io
import json

import pytest

from pen.data.importers import (
    ImportTooLarge,
    InvalidImport,
    load_document,
    parse_document,
    parse_pen,
    parse_upload,
    read_limited,
)
from pen.web.fields import human_size


def pen(*messages, **chat):
    return {"format": "pen-export", "version": 1, "chats": [{"name": "C", "messages": list(messages), **chat}]}


def test_children_listed_before_their_parents_are_put_after_them():
    document = pen({"id": "b", "parent": "a", "role": "assistant", "content": "A"},
                   {"id": "a", "parent": None, "role": "user", "content": "Q"},
                   {"id": "c", "parent": "b", "role": "user", "content": "Q2"})
    messages = parse_pen(document).chats[0].messages
    assert [(m.content, m.parent) for m in messages] == [("Q", None), ("A", 0), ("Q2", 1)]


def test_a_long_chain_listed_backwards_needs_no_recursion():
    count = 5000
    raw = [{"id": n, "parent": n - 1 if n else None, "role": "user", "content": str(n)} for n in range(count)]
    messages = parse_pen(pen(*reversed(raw))).chats[0].messages
    assert [m.content for m in messages] == [str(n) for n in range(count)]


def test_times_become_naive_utc_milliseconds_and_streaming_becomes_stopped():
    message = {"id": 1, "role": "assistant", "content": "x", "status": "streaming",
               "timestamp": "2026-03-01T10:00:00.123456+02:00"}
    parsed = parse_pen(pen(message)).chats[0].messages[0]
    assert parsed.timestamp.isoformat() == "2026-03-01T08:00:00.123000" and parsed.status == "stopped"


def test_long_labels_are_shortened_not_refused():
    chat = parse_pen(pen({"id": 1, "role": "user", "content": "x", "provider": "p" * 300}, name="n" * 500)).chats[0]
    assert len(chat.name) == 191 and chat.name.endswith("…") and len(chat.messages[0].provider) == 100


@pytest.mark.parametrize("value", [True, 1.5, [1]])
def test_ids_must_be_numbers_or_text(value):
    with pytest.raises(InvalidImport, match=r"messages\[0\]\.id should be a number or text"):
        parse_pen(pen({"id": value, "role": "user", "content": "x"}))


def test_prompts_are_read_and_checked():
    plan = parse_pen({"format": "pen-export", "version": 1, "prompts": [{"name": "N", "text": "T"}]})
    assert [(p.name, p.text) for p in plan.prompts] == [("N", "T")]
    with pytest.raises(InvalidImport, match=r"prompts\[0\]\.text is missing"):
        parse_pen({"format": "pen-export", "version": 1, "prompts": [{"name": "N"}]})


def test_a_missing_version_is_refused():
    with pytest.raises(InvalidImport, match="no format version"):
        parse_document({"format": "pen-export"})


def test_reading_stops_one_byte_past_the_limit():
    stream = io.BytesIO(b"x" * 10_000)
    with pytest.raises(ImportTooLarge, match="larger than 1 KB"):
        read_limited(stream, 1024)
    assert stream.tell() == 1025


def test_a_zip_whose_conversations_json_is_over_the_limit_is_refused_unread():
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("conversations.json", "[" + " " * 500_000 + "]")  # compresses to almost nothing
    with pytest.raises(ImportTooLarge, match="conversations.json is larger than 100 KB"):
        load_document(archive.getvalue(), 100 * 1024)


def test_a_byte_order_mark_is_fine():
    assert parse_upload(io.BytesIO("\ufeff".encode() + json.dumps(pen()).encode()), 10_000).chats[0].name == "C"


@pytest.mark.parametrize(("size", "text"), [(50 * 1024 * 1024, "50 MB"), (1536 * 1024, "1.5 MB"), (2048, "2 KB"), (10, "1 KB")])
def test_sizes_read_like_people_write_them(size, text):
    assert human_size(size) == text
