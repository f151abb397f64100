"""Prompts as JSON: export, import (duplicates skipped), and files that are refused whole."""

import io
import json
from datetime import datetime

import pytest


def upload(writer, content: bytes | str, filename: str = "prompts.json", **kwargs):
    raw = content.encode() if isinstance(content, str) else content
    return writer.client.post("/prompts/import", data={"file": (io.BytesIO(raw), filename)},
                              content_type="multipart/form-data", htmx=True, **kwargs)


def test_export_is_a_download_of_my_prompts_only(writer, stranger):
    writer.add("Mine", "text {{x}}", created=datetime(2024, 5, 1, 9, 30, 0, 123000), updated=datetime(2024, 6, 1))
    writer.add("Theirs", "no", user_id=stranger)
    response = writer.client.get("/prompts/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=pen-prompts-")
    assert json.loads(response.text) == [{"name": "Mine", "text": "text {{x}}", "created_at": "2024-05-01T09:30:00.123Z",
                                          "updated_at": "2024-06-01T00:00:00.000Z"}]


def test_round_trip_into_another_account(writer, make_user, login):
    writer.add("One", "first\nline", created=datetime(2023, 1, 2, 3, 4, 5), updated=datetime(2023, 2, 1))
    writer.add("Wing", "from wingman", flag="WINGMAN", created=datetime(2022, 1, 1))
    writer.add("Ünïcode ✓", "emoji 🎉 and {{var|dflt}}")
    exported = writer.client.get("/prompts/export.json").text
    other = make_user(name="Other")
    writer.client.post("/signout")
    login(other)
    response = upload(writer, exported)
    assert response.status_code == 200 and "Imported 3 prompts." in response.text
    assert response.headers["HX-Trigger"] == "prompts-changed"
    mine, theirs = writer.rows(writer.user_id), writer.rows(other)
    assert [(r.prompt_name, r.prompt_text, r.created_datetime) for r in theirs] == \
        [(r.prompt_name, r.prompt_text, r.created_datetime) for r in mine]
    assert [r.updated_datetime for r in theirs] == [datetime(2023, 2, 1), None, None]
    assert {r.system_flag for r in theirs} == {"PEN"}
    assert json.loads(writer.client.get("/prompts/export.json").text) == json.loads(exported)


def test_import_skips_exact_duplicates_and_reports_counts(writer):
    writer.add("Same", "same text")
    writer.add("Same", "other text")
    items = [{"name": "Same", "text": "same text"}, {"name": "Same", "text": "Same text"},
             {"name": "same", "text": "same text"}, {"name": "New", "text": "n"}, {"name": "New", "text": "n"}]
    response = upload(writer, json.dumps(items))
    assert response.status_code == 200 and "Imported 3 prompts; skipped 2 you already had." in response.text
    assert sorted((r.prompt_name, r.prompt_text) for r in writer.rows()) == [
        ("New", "n"), ("Same", "Same text"), ("Same", "other text"), ("Same", "same text"), ("same", "same text")]
    again = upload(writer, json.dumps(items))
    assert "Imported 0 prompts; skipped 5" in again.text and "HX-Trigger" not in again.headers


def test_import_accepts_a_byte_order_mark_and_offsets_in_times(writer):
    items = [{"name": "T", "text": "t", "created_at": "2024-01-01T12:00:00+02:00", "updated_at": None}]
    response = upload(writer, "\ufeff" + json.dumps(items))
    assert response.status_code == 200
    row = writer.rows()[0]
    assert row.created_datetime == datetime(2024, 1, 1, 10, 0) and row.updated_datetime is None


def test_import_trims_names_and_normalises_newlines(writer):
    upload(writer, json.dumps([{"name": "  Spaced  ", "text": "a\r\nb\x00c"}]))
    row = writer.rows()[0]
    assert (row.prompt_name, row.prompt_text) == ("Spaced", "a\nbc")


GOOD = {"name": "Good", "text": "fine"}


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "The file is not valid JSON"),
    ("", "The file is not valid JSON"),
    (b"\xff\xfe\x00", "The file is not UTF-8 text."),
    (json.dumps({"prompts": [GOOD]}), "should hold a JSON list of prompts"),
    (json.dumps("text"), "it holds text"),
    (json.dumps([GOOD, "oops"]), "Prompt 2 should be an object"),
    (json.dumps([GOOD, {"name": 5, "text": "x"}]), "Prompt 2: “name” should be text; it is a number."),
    (json.dumps([GOOD, {"name": "x"}]), "Prompt 2: “text” should be text; it is missing."),
    (json.dumps([GOOD, {"name": "x", "text": ["a"]}]), "“text” should be text; it is a list."),
    (json.dumps([GOOD, {"name": "x", "text": None}]), "“text” should be text; it is null."),
    (json.dumps([GOOD, {"name": " ", "text": "x"}]), "Prompt 2: Give the prompt a name."),
    (json.dumps([GOOD, {"name": "n" * 192, "text": "x"}]), "That name is 192 characters; the limit is 191."),
    (json.dumps([GOOD, {"name": "n", "text": "x" * 100_001}]), "That prompt is 100,001 characters"),
    (json.dumps([GOOD, {"name": "n", "text": "x", "created_at": 12}]), "“created_at” should be a date and time"),
    (json.dumps([GOOD, {"name": "n", "text": "x", "updated_at": "yesterday"}]), "“updated_at” is not a date and time"),
    (json.dumps([GOOD, {"name": "n", "text": "x", "created_at": "0001-01-01T00:00:00"}]), "is out of range"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_malformed_files_change_nothing_and_say_why(writer, content, message):
    writer.add("Existing", "kept")
    response = upload(writer, content)
    assert response.status_code == 422, response.text[:500]
    assert message in response.text.replace("&#34;", '"').replace("&#39;", "'")
    assert "Nothing was imported." in response.text and 'role="alert"' in response.text
    assert [r.prompt_name for r in writer.rows()] == ["Existing"]


def test_too_many_prompts_in_one_file(writer):
    response = upload(writer, json.dumps([{"name": f"n{i}", "text": "t"} for i in range(10_001)]))
    assert response.status_code == 422 and "at most 10,000" in response.text and writer.rows() == []


def test_a_50_mb_file_is_refused_before_it_is_read(writer):
    body = io.BytesIO(b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.json"\r\n\r\n[')
    response = writer.client.post("/prompts/import", input_stream=body, content_type="multipart/form-data; boundary=x",
                                  environ_overrides={"CONTENT_LENGTH": str(50 * 1024 * 1024)}, htmx=True)
    assert response.status_code == 413
    assert "larger than 5 MB. Nothing was imported." in response.text and "<html" not in response.text
    assert body.tell() < 1024 and writer.rows() == []


def test_import_limit_is_configurable(writer):
    writer.app.config["PEN_PROMPT_IMPORT_MAX_BYTES"] = 1024
    response = upload(writer, json.dumps([{"name": "n", "text": "x" * 2000}]))
    assert response.status_code == 413 and "larger than 1 KB" in response.text and writer.rows() == []


def test_import_without_a_file_is_422(writer):
    response = writer.client.post("/prompts/import", data={}, content_type="multipart/form-data", htmx=True)
    assert response.status_code == 422 and "Choose a JSON file to import." in response.text


def test_import_needs_a_csrf_token(writer):
    response = upload(writer, json.dumps([GOOD]), csrf=False)
    assert response.status_code == 400 and writer.rows() == []
