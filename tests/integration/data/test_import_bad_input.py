"""Bad imports: each a clear message, and nothing written."""

import html
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from pen.extensions import db
from pen.models import Chat, Message, Prompt
from tests.integration.data.conftest import FIXTURES, upload

GOOD_CHAT = {"name": "Fine", "messages": [{"id": 1, "parent": None, "role": "user", "content": "hello"}]}


def pen_export(*chats, **extra) -> str:
    return json.dumps({"format": "pen-export", "version": 1, "prompts": [{"name": "P", "text": "T"}], "chats": list(chats)} | extra)


@pytest.fixture
def signed_in(app, client, login, make_user):
    login(make_user())
    return client


def nothing_written(app) -> bool:
    with app.app_context():
        return all(db.session.scalar(select(func.count()).select_from(model)) == 0 for model in (Chat, Message, Prompt))


def assert_refused(response, status: int, message: str) -> None:
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == status, page
    assert message in page, page


@pytest.mark.parametrize(("content", "message"), [
    (pen_export(GOOD_CHAT)[:-40], "it looks truncated"),
    ('{"format": "pen-export", "version": 1, "chats": [}', "not valid JSON (line 1, column 50"),
    ("\xff\xfe not text".encode("latin-1"), "not UTF-8 text"),
    ("   ", "The file is empty."),
    ('{"hello": "world"}', "This is not a Pen export or a ChatGPT conversations.json."),
    ('[1, 2, {"title": "no mapping"}]', "not a ChatGPT conversations.json (no conversation has a mapping)"),
    ("[]", "The file has no conversations to import."),
    ('{"format": "pen-export", "version": 7, "chats": []}', "made by a newer Pen (format version 7)"),
    ('{"format": "pen-export", "version": 1, "chats": {"a": 1}}', "chats should be a list"),
])
def test_unreadable_files_are_refused_with_a_reason(app, signed_in, content, message):
    assert_refused(upload(signed_in, content), 422, message)
    assert nothing_written(app)


@pytest.mark.parametrize(("broken", "message"), [
    ({"name": "B", "messages": [{"id": 1, "role": "user", "content": "x"}, {"id": 2, "parent": 99, "role": "assistant", "content": "y"}]},
     "chats[1].messages[1].parent refers to 99, which is not a message of this chat"),
    ({"name": "B", "messages": [{"id": 1, "parent": 2, "role": "user", "content": "x"}, {"id": 2, "parent": 1, "role": "user", "content": "y"}]},
     "chats[1].messages has a loop of parents"),
    ({"name": "B", "messages": [{"id": 1, "role": "user", "content": "x"}, {"id": 1, "role": "user", "content": "y"}]},
     "chats[1].messages[1].id repeats id 1"),
    ({"name": "B", "messages": [{"id": 1, "role": "user"}]}, "chats[1].messages[0].content is missing"),
    ({"name": "B", "messages": [{"id": 1, "role": "user", "content": 5}]}, "chats[1].messages[0].content should be text"),
    ({"name": "B", "messages": [{"id": 1, "role": "user", "content": "x", "status": "exploded"}]},
     "chats[1].messages[0].status should be one of complete, streaming, stopped, error"),
    ({"name": "B", "created_at": "last tuesday", "messages": []}, "chats[1].created_at is not a time ('last tuesday')"),
    ({"name": "B", "created_at": "0001-01-01T00:30:00+01:00", "messages": []},
     "chats[1].created_at is not a time ('0001-01-01T00:30:00+01:00')"),
    ({"name": "B", "created_at": "0999-12-31T00:00:00", "messages": []},
     "chats[1].created_at is outside the years 1000 to 9999"),
    ({"name": "B", "messages": [{"id": 1, "role": "user", "content": "x", "input_tokens": "many"}]},
     "chats[1].messages[0].input_tokens should be a whole number"),
])
def test_one_malformed_chat_refuses_the_whole_file(app, signed_in, broken, message):
    response = upload(signed_in, pen_export(GOOD_CHAT, broken))
    assert_refused(response, 422, "The Pen export is malformed: " + message)
    assert "Nothing was imported." in response.get_data(as_text=True)
    assert nothing_written(app)


def test_a_file_over_the_import_limit_is_refused(app, signed_in):
    app.config["PEN_IMPORT_MAX_BYTES"] = 2048
    response = upload(signed_in, pen_export(GOOD_CHAT, {"name": "Big", "messages": [
        {"id": 1, "role": "user", "content": "x" * 5000}]}))
    assert_refused(response, 413, "The file is larger than 2 KB, the most this server imports at once.")
    assert nothing_written(app)


def test_a_100_mb_upload_is_refused_before_it_is_read(app, signed_in):
    body = io.BytesIO(b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.json\"\r\n\r\n[")
    response = signed_in.post("/settings/data/import", input_stream=body, content_type="multipart/form-data; boundary=x",
                              environ_overrides={"CONTENT_LENGTH": str(100 * 1024 * 1024)})
    assert_refused(response, 413, "The file is larger than 50 MB, the most this server imports at once.")
    assert body.tell() < 1024  # the body was not read
    assert nothing_written(app)


def test_the_import_limit_is_its_own_not_the_general_request_limit(app, signed_in):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    app.config["PEN_IMPORT_MAX_BYTES"] = 200_000
    response = upload(signed_in, pen_export({"name": "Long", "messages": [{"id": 1, "role": "user", "content": "y" * 50_000}]}))
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 1


def test_a_zip_without_conversations_json_or_a_broken_zip_is_refused(app, signed_in):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("user.json", "{}")
    assert_refused(upload(signed_in, archive.getvalue(), "export.zip"), 422, "The zip file has no conversations.json")
    broken = (FIXTURES / "chatgpt_conversations.json").read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("conversations.json", broken)
    assert_refused(upload(signed_in, archive.getvalue()[:300], "export.zip"), 422, "The zip file is damaged or truncated.")
    assert nothing_written(app)


def test_choosing_no_file_asks_for_one(app, signed_in):
    response = signed_in.post("/settings/data/import", data={"csrf_token": signed_in.csrf_token()}, csrf=False, htmx=True)
    assert_refused(response, 422, "Choose a file to import.")
    assert 'id="import-form"' in response.get_data(as_text=True) and "<html" not in response.get_data(as_text=True)


def test_an_import_without_the_csrf_token_is_refused(app, signed_in):
    response = signed_in.post("/settings/data/import", data={"file": (io.BytesIO(pen_export(GOOD_CHAT).encode()), "x.json")},
                              content_type="multipart/form-data", csrf=False)
    assert response.status_code == 400
    assert nothing_written(app)
