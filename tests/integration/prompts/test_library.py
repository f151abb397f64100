"""/prompts: list, search, sort, page, create, edit, duplicate, delete; Wingman's rows; bad input."""

from datetime import datetime

import pytest

from tests.integration.prompts.conftest import names_in


def test_sidebar_links_to_prompts(writer):
    page = writer.client.get("/").text
    assert 'href="/prompts"' in page and "Prompts" in page


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/prompts")
    assert response.status_code == 303 and response.headers["Location"].startswith("/signin")


def test_list_shows_only_my_prompts_sorted_by_name(writer, stranger):
    writer.add("beta")
    writer.add("Alpha")
    writer.add("gamma")
    writer.add("Not mine", user_id=stranger)
    page = writer.client.get("/prompts")
    assert page.status_code == 200 and "<html" in page.text
    assert names_in(page.text) == ["Alpha", "beta", "gamma"]
    assert "3 prompts" in page.text


def test_sort_by_recently_updated(writer):
    writer.add("old", updated=datetime(2024, 1, 1))
    writer.add("newest", updated=datetime(2025, 6, 1))
    writer.add("never updated", created=datetime(2024, 6, 1))
    response = writer.client.get("/prompts?sort=updated", htmx=True)
    assert names_in(response.text) == ["newest", "never updated", "old"]


def test_unknown_sort_falls_back_to_name(writer):
    writer.add("b")
    writer.add("a")
    assert names_in(writer.client.get("/prompts?sort=drop table", htmx=True).text) == ["a", "b"]


def test_search_matches_name_or_text_case_insensitively_as_a_fragment(writer):
    writer.add("Email reply", "Answer politely")
    writer.add("Translator", "Translate into FRENCH")
    writer.add("Other", "nothing here")
    response = writer.client.get("/prompts?q=french", htmx=True)
    assert response.status_code == 200 and "<html" not in response.text
    assert "HX-Request" in response.headers["Vary"]
    assert names_in(response.text) == ["Translator"]
    assert names_in(writer.client.get("/prompts?q=EMAIL", htmx=True).text) == ["Email reply"]
    assert "1 prompt match “EMAIL”" in writer.client.get("/prompts?q=EMAIL", htmx=True).text


def test_search_treats_like_wildcards_literally(writer):
    writer.add("100% sure", "x")
    writer.add("1000 sure", "x")
    writer.add("snake_case", "x")
    writer.add("snakeXcase", "x")
    assert names_in(writer.client.get("/prompts?q=100%25", htmx=True).text) == ["100% sure"]
    assert names_in(writer.client.get("/prompts?q=e_c", htmx=True).text) == ["snake_case"]
    assert names_in(writer.client.get("/prompts?q=%5C", htmx=True).text) == []


def test_search_with_no_match_says_so(writer):
    writer.add("Something")
    assert "No prompts match “zzz”" in writer.client.get("/prompts?q=zzz", htmx=True).text


def test_empty_library_explains_variables(writer):
    text = writer.client.get("/prompts").text
    assert "No prompts yet" in text and "{{topic}}" in text


def test_long_lists_load_more_fifty_at_a_time(writer):
    for n in range(55):
        writer.add(f"p{n:02d}")
    first = writer.client.get("/prompts?q=p", htmx=True).text
    assert len(names_in(first)) == 50 and "Load more" in first and "55 prompts" in first
    assert "/prompts?q=p&amp;sort=name&amp;page=2" in first
    second = writer.client.get("/prompts?q=p&sort=name&page=2", htmx=True).text
    assert names_in(second) == [f"p{n}" for n in range(50, 55)] and "Load more" not in second
    assert "<ul" not in second  # rows for the existing list, not a new list


def test_create_saves_a_pen_row(writer):
    form = writer.client.get("/prompts/new", htmx=True)
    assert form.status_code == 200 and 'name="new-name"' in form.text
    response = writer.client.post("/prompts/new", data={"new-name": "  Summary ", "new-text": "Sum up:\r\n{{text}}"},
                                  htmx=True)
    assert response.status_code == 200 and "Saved “Summary”" in response.text
    assert response.headers["HX-Trigger"] == "prompts-changed"
    [row] = writer.rows()
    assert (row.prompt_name, row.prompt_text, row.system_flag) == ("Summary", "Sum up:\n{{text}}", "PEN")
    assert row.created_datetime is not None and row.updated_datetime == row.created_datetime


@pytest.mark.parametrize(("name", "text", "message"), [
    ("", "text", "Give the prompt a name."),
    ("   ", "text", "Give the prompt a name."),
    ("Name", "", "Write the prompt&#39;s text."),
    ("Name", " \n\t ", "Write the prompt&#39;s text."),
    ("x" * 192, "text", "That name is 192 characters; the limit is 191."),
    ("Big", "x" * 1_000_000, "That prompt is 1,000,000 characters; the limit is 100,000."),
])
def test_create_refuses_bad_input_with_422(writer, name, text, message):
    response = writer.client.post("/prompts/new", data={"new-name": name, "new-text": text}, htmx=True)
    assert response.status_code == 422 and message in response.text
    assert 'aria-invalid="true"' in response.text and "<html" not in response.text
    assert writer.rows() == []


def test_name_of_191_characters_is_fine(writer):
    response = writer.client.post("/prompts/new", data={"new-name": "n" * 191, "new-text": "t"}, htmx=True)
    assert response.status_code == 200 and writer.rows()[0].prompt_name == "n" * 191


def test_text_limit_is_configurable(writer):
    writer.app.config["PEN_PROMPT_MAX_CHARS"] = 10
    response = writer.client.post("/prompts/new", data={"new-name": "n", "new-text": "x" * 11}, htmx=True)
    assert response.status_code == 422 and "the limit is 10." in response.text


def test_nul_characters_are_dropped_not_a_crash(writer):
    response = writer.client.post("/prompts/new", data={"new-name": "a\x00b", "new-text": "c\x00d"}, htmx=True)
    assert response.status_code == 200
    assert (writer.rows()[0].prompt_name, writer.rows()[0].prompt_text) == ("ab", "cd")


def test_create_needs_a_csrf_token(writer):
    response = writer.client.post("/prompts/new", data={"new-name": "n", "new-text": "t"}, csrf=False)
    assert response.status_code == 400 and writer.rows() == []


def test_create_without_javascript_renders_the_page(writer):
    response = writer.client.post("/prompts/new", data={"new-name": "", "new-text": ""})
    assert response.status_code == 422 and "<html" in response.text and "Give the prompt a name." in response.text


def test_edit_form_then_save(writer):
    prompt_id = writer.add("Old", "old text")
    form = writer.client.get(f"/prompts/{prompt_id}/edit", htmx=True)
    assert form.status_code == 200 and f'name="p{prompt_id}-name"' in form.text and "old text" in form.text
    response = writer.client.post(f"/prompts/{prompt_id}/edit", htmx=True,
                                  data={f"p{prompt_id}-name": "New", f"p{prompt_id}-text": "new text"})
    assert response.status_code == 200 and 'class="prompt-name">New<' in response.text
    row = writer.get(prompt_id)
    assert (row.prompt_name, row.prompt_text, row.system_flag) == ("New", "new text", "PEN")
    assert row.updated_datetime is not None


def test_edit_refuses_bad_input_and_keeps_the_row(writer):
    prompt_id = writer.add("Keep", "kept")
    response = writer.client.post(f"/prompts/{prompt_id}/edit", htmx=True,
                                  data={f"p{prompt_id}-name": "x" * 300, f"p{prompt_id}-text": ""})
    assert response.status_code == 422
    assert "the limit is 191" in response.text and "Write the prompt&#39;s text." in response.text
    assert "is-editing" in response.text
    assert (writer.get(prompt_id).prompt_name, writer.get(prompt_id).prompt_text) == ("Keep", "kept")


def test_cancel_shows_the_prompt_again(writer):
    prompt_id = writer.add("Shown")
    response = writer.client.get(f"/prompts/{prompt_id}", htmx=True)
    assert 'class="prompt-name">Shown<' in response.text


def test_wingman_prompts_are_listed_marked_and_editable_keeping_their_flag(writer):
    prompt_id = writer.add("From Wingman", "w", flag="WINGMAN")
    page = writer.client.get("/prompts").text
    assert "From Wingman" in page and ">Wingman</span>" in page
    edit = writer.client.get(f"/prompts/{prompt_id}/edit", htmx=True).text
    assert "stays theirs" in edit
    response = writer.client.post(f"/prompts/{prompt_id}/edit", htmx=True,
                                  data={f"p{prompt_id}-name": "Edited", f"p{prompt_id}-text": "by Pen"})
    assert response.status_code == 200
    row = writer.get(prompt_id)
    assert (row.prompt_name, row.system_flag) == ("Edited", "WINGMAN")


def test_duplicate_makes_a_pen_copy_below_the_original(writer):
    prompt_id = writer.add("Original", "Same {{text}}", flag="WINGMAN")
    response = writer.client.post(f"/prompts/{prompt_id}/duplicate", htmx=True)
    assert response.status_code == 200 and "Original (copy)" in response.text
    original, copy = writer.rows()
    assert original.system_flag == "WINGMAN"
    assert (copy.prompt_name, copy.prompt_text, copy.system_flag) == ("Original (copy)", "Same {{text}}", "PEN")


def test_duplicate_of_a_long_name_fits_the_column(writer):
    prompt_id = writer.add("n" * 191)
    writer.client.post(f"/prompts/{prompt_id}/duplicate", htmx=True)
    copy = writer.rows()[-1].prompt_name
    assert len(copy) == 191 and copy.endswith(" (copy)")


def test_delete_asks_first_then_deletes(writer):
    prompt_id = writer.add("Doomed")
    keep_id = writer.add("Kept")
    confirm = writer.client.get(f"/prompts/{prompt_id}/delete", htmx=True)
    assert confirm.status_code == 200 and "Delete “<strong>Doomed</strong>”?" in confirm.text
    assert writer.get(prompt_id) is not None
    response = writer.client.post(f"/prompts/{prompt_id}/delete", htmx=True)
    assert response.status_code == 200 and "Deleted “Doomed”." in response.text
    assert [row.id for row in writer.rows()] == [keep_id]


def test_delete_needs_a_csrf_token(writer):
    prompt_id = writer.add("Safe")
    assert writer.client.post(f"/prompts/{prompt_id}/delete", csrf=False).status_code == 400
    assert writer.get(prompt_id) is not None


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/prompts/{id}"), ("GET", "/prompts/{id}/edit"), ("POST", "/prompts/{id}/edit"),
    ("POST", "/prompts/{id}/duplicate"), ("GET", "/prompts/{id}/delete"), ("POST", "/prompts/{id}/delete"),
    ("GET", "/prompts/{id}/use"), ("POST", "/prompts/{id}/fill"),
])
def test_another_users_prompt_is_404(writer, stranger, method, path):
    theirs = writer.add("Theirs", "secret text", user_id=stranger)
    data = {f"p{theirs}-name": "Hijacked", f"p{theirs}-text": "x", "fill-v0": "x"}
    for prompt_id in (theirs, theirs + 1000):
        response = writer.client.open(path.format(id=prompt_id), method=method, data=data, htmx=True)
        assert response.status_code == 404, (path, prompt_id)
        assert "secret text" not in response.text
    row = writer.get(theirs)
    assert (row.prompt_name, row.prompt_text) == ("Theirs", "secret text") and len(writer.rows(stranger)) == 1


@pytest.mark.parametrize("text", ["{{", "}}", "{{}}", "{{{x}}}", "{{a|b", "{{ 9 }}", "{{x}} {{x|y}} {{", "<b>{{x}}</b>"])
def test_odd_braces_are_shown_as_written(writer, text):
    writer.add("Odd", text)
    page = writer.client.get("/prompts")
    assert page.status_code == 200
    escaped = text.replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in page.text
