"""Using a prompt: the "/" picker, the variables form, filling in, and system prompts."""

import html
import re

import pytest

from tests.integration.prompts.conftest import names_in


def filled_text(body: str) -> str:
    match = re.fullmatch(r'<div class="prompt-filled" data-filled hidden>(.*)</div>\n?', body, re.DOTALL)
    assert match, body[:300]
    return html.unescape(match.group(1))


def field_values(body: str) -> dict[str, str]:
    """label text → textarea value of a fill form."""
    labels = dict(re.findall(r'<label for="(fill-v\d+)">([^<]*)</label>', body))
    values = dict(re.findall(r'<textarea[^>]*id="(fill-v\d+)"[^>]*>\r?\n?([^<]*)</textarea>', body))
    return {html.unescape(labels[key]): html.unescape(values.get(key, "")) for key in labels}


def test_composer_has_the_picker(writer):
    page = writer.client.get("/").text
    assert 'id="prompt-picker"' in page and 'data-picker-url="/prompts/picker"' in page
    assert "/static/js/prompts.js" in page and "/ for prompts" in page


def test_picker_lists_name_matches_first_then_text_matches(writer, stranger):
    writer.add("Zebra", "about a translator")
    writer.add("Translate", "into French")
    writer.add("Retranslate", "again")
    writer.add("Translator notes", "x")
    writer.add("Translate too", "mine? no", user_id=stranger)
    response = writer.client.get("/prompts/picker?q=transl", htmx=True)
    assert response.status_code == 200
    assert names_in(response.text) == ["Translate", "Translator notes", "Retranslate", "Zebra"]
    assert 'role="listbox"' in response.text and response.text.count('role="option"') == 4
    assert response.text.count('aria-selected="true"') == 1


def test_picker_shows_at_most_eight_recent_first_without_a_query(writer):
    from datetime import datetime

    for n in range(12):
        writer.add(f"p{n}", updated=datetime(2024, 1, n + 1))
    response = writer.client.get("/prompts/picker?q=", htmx=True)
    assert names_in(response.text) == [f"p{n}" for n in range(11, 3, -1)]


def test_picker_with_no_match(writer):
    writer.add("Something")
    response = writer.client.get("/prompts/picker?q=%25_", htmx=True)
    assert "No prompts match “%_”." in response.text and 'role="listbox"' not in response.text


def test_picker_marks_prompts_to_fill_in_and_wingmans(writer):
    writer.add("Vars", "{{a}} {{b|x}} {{a}}")
    writer.add("Wing", "w", flag="WINGMAN")
    text = writer.client.get("/prompts/picker?q=", htmx=True).text
    assert "2 to fill in" in text and '<span class="badge">Wingman</span>' in text


def test_using_a_prompt_without_variables_gives_its_text_exactly(writer):
    text = "\n  Leading newline kept.\n<script>alert(1)</script> & {{{not a var}}}  "
    prompt_id = writer.add("Plain", text)
    response = writer.client.get(f"/prompts/{prompt_id}/use", htmx=True)
    assert response.status_code == 200 and "<script>" not in response.text
    assert filled_text(response.text) == text


def test_using_a_prompt_with_variables_opens_one_field_per_name_with_defaults(writer):
    prompt_id = writer.add("Letter", "Dear {{ name }}, {{tone|kind}} regards. {{name}}")
    response = writer.client.get(f"/prompts/{prompt_id}/use", htmx=True)
    assert response.status_code == 200 and "data-prompt-fill" in response.text
    assert field_values(response.text) == {"name": "", "tone": "kind"}
    assert f'action="/prompts/{prompt_id}/fill"' in response.text and 'name="fill-csrf_token"' in response.text


def test_fill_substitutes_values_and_defaults(writer):
    prompt_id = writer.add("Letter", "Dear {{ name }}, {{tone|kind}} regards. {{name}} {{ bad!}}")
    response = writer.client.post(f"/prompts/{prompt_id}/fill", data={"fill-v0": "Ada & <Bob>", "fill-v1": "  "},
                                  htmx=True)
    assert response.status_code == 200
    assert filled_text(response.text) == "Dear Ada & <Bob>, kind regards. Ada & <Bob> {{ bad!}}"


def test_fill_keeps_values_exactly_even_braces(writer):
    prompt_id = writer.add("Echo", "[{{x}}]")
    response = writer.client.post(f"/prompts/{prompt_id}/fill", data={"fill-v0": "{{x}}\r\nline 2"}, htmx=True)
    assert filled_text(response.text) == "[{{x}}\nline 2]"


def test_fill_without_a_required_value_is_422_with_the_form(writer):
    prompt_id = writer.add("Need", "Hello {{who}} and {{what|it}}")
    response = writer.client.post(f"/prompts/{prompt_id}/fill", data={"fill-v0": " ", "fill-v1": "x"}, htmx=True)
    assert response.status_code == 422 and "Fill in “who”." in response.text
    assert field_values(response.text)["what"] == "x"


def test_fill_needs_a_csrf_token(writer):
    prompt_id = writer.add("Need", "Hello {{who}}")
    assert writer.client.post(f"/prompts/{prompt_id}/fill", data={"fill-v0": "x"}, csrf=False).status_code == 400


def test_use_as_system_prompt_sets_the_chats_system_prompt(writer):
    prompt_id = writer.add("Persona", "You are a pirate.")
    chat_id = writer.add_chat()
    response = writer.client.post(f"/prompts/use-as-system/{chat_id}", data={"prompt_id": prompt_id}, htmx=True)
    assert response.status_code == 200 and 'id="system-prompt"' in response.text
    assert "You are a pirate." in response.text and "system-view" in response.text
    assert writer.chat(chat_id).system_prompt == "You are a pirate."


def test_use_as_system_prompt_with_blanks_opens_the_editor_with_defaults_filled(writer):
    prompt_id = writer.add("Persona", "You speak {{language|French}} to {{audience}}.")
    chat_id = writer.add_chat(system_prompt="before")
    response = writer.client.post(f"/prompts/use-as-system/{chat_id}", data={"prompt_id": prompt_id}, htmx=True)
    assert response.status_code == 200 and "system-form" in response.text
    assert "You speak French to {{audience}}." in response.text and "Replace {{audience}}, then save." in response.text
    assert writer.chat(chat_id).system_prompt == "before"


def test_use_as_system_prompt_over_the_chats_limit_is_refused(writer):
    prompt_id = writer.add("Huge", "x" * 20_001)
    chat_id = writer.add_chat()
    response = writer.client.post(f"/prompts/use-as-system/{chat_id}", data={"prompt_id": prompt_id}, htmx=True)
    assert response.status_code == 422 and writer.chat(chat_id).system_prompt is None


def test_use_as_system_prompt_on_foreign_chat_or_prompt_is_404(writer, stranger):
    mine = writer.add("Mine", "mine")
    theirs = writer.add("Theirs", "theirs", user_id=stranger)
    my_chat = writer.add_chat()
    their_chat = writer.add_chat(user_id=stranger)
    for chat_id, prompt_id in ((their_chat, mine), (my_chat, theirs), (my_chat + 999, mine), (my_chat, theirs + 999)):
        response = writer.client.post(f"/prompts/use-as-system/{chat_id}", data={"prompt_id": prompt_id}, htmx=True)
        assert response.status_code == 404
    assert writer.chat(my_chat).system_prompt is None and writer.chat(their_chat).system_prompt is None


def test_use_as_system_prompt_without_a_choice_is_422(writer):
    chat_id = writer.add_chat()
    response = writer.client.post(f"/prompts/use-as-system/{chat_id}", data={"prompt_id": ""}, htmx=True)
    assert response.status_code == 422


def test_system_prompt_editor_offers_the_library(writer):
    prompt_id = writer.add("Persona", "p")
    chat_id = writer.add_chat()
    editor = writer.client.get(f"/c/{chat_id}/system?edit=1", htmx=True).text
    assert f"/prompts/system-choices?chat_id={chat_id}" in editor
    choices = writer.client.get(f"/prompts/system-choices?chat_id={chat_id}", htmx=True).text
    assert f'hx-post="/prompts/use-as-system/{chat_id}"' in choices and f'<option value="{prompt_id}">Persona' in choices


def test_new_chat_system_prompt_choices_fill_the_textarea(writer):
    prompt_id = writer.add("Persona", "p")
    assert "/prompts/system-choices" in writer.client.get("/").text
    choices = writer.client.get("/prompts/system-choices", htmx=True).text
    assert 'data-prompt-target="composer-system-input"' in choices
    assert f'<option value="/prompts/{prompt_id}/use">Persona' in choices


def test_system_choices_for_a_foreign_chat_is_404(writer, stranger):
    their_chat = writer.add_chat(user_id=stranger)
    assert writer.client.get(f"/prompts/system-choices?chat_id={their_chat}", htmx=True).status_code == 404


@pytest.mark.parametrize("text", ["{{", "{{}}", "{{{a}}}", "{{a|b", "{{ a }}}", "}}{{"])
def test_odd_braces_are_used_literally(writer, text):
    prompt_id = writer.add("Odd", text)
    assert filled_text(writer.client.get(f"/prompts/{prompt_id}/use", htmx=True).text) == text


def test_fill_form_carries_its_own_csrf_token(writer):
    """prompts.js posts the form as it is, without the X-CSRFToken header htmx adds."""
    prompt_id = writer.add("Need", "Hello {{who}}")
    body = writer.client.get(f"/prompts/{prompt_id}/use", htmx=True).text
    token = re.search(r'name="fill-csrf_token" type="hidden" value="([^"]+)"', body).group(1)
    response = writer.client.post(f"/prompts/{prompt_id}/fill", data={"fill-csrf_token": token, "fill-v0": "you"},
                                  csrf=False)
    assert response.status_code == 200 and filled_text(response.text) == "Hello you"
