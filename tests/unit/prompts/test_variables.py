"""The `{{name}}` / `{{name|default}}` parser: what counts as a variable, and filling it in."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pen.prompts.variables import MAX_VARIABLES, Variable, fill, variables


def names(text: str) -> list[str]:
    return [variable.name for variable in variables(text)]


def test_plain_placeholders_in_order_of_first_use():
    assert variables("Translate {{text}} into {{language}}.") == [Variable("text"), Variable("language")]


def test_whitespace_inside_the_braces_is_trimmed():
    assert variables("{{  topic  }} and {{\ttone\n}}") == [Variable("topic"), Variable("tone")]


def test_names_may_hold_spaces_hyphens_digits_and_underscores():
    assert names("{{target language}} {{max-words}} {{_x2}} {{A_b c-9}}") == ["target language", "max-words", "_x2",
                                                                           "A_b c-9"]


def test_default_after_a_bar():
    assert variables("Be {{ tone | friendly }}.") == [Variable("tone", "friendly")]


def test_empty_default_differs_from_no_default():
    assert variables("{{a|}} {{b}}") == [Variable("a", ""), Variable("b", None)]


def test_default_may_hold_bars_braces_and_newlines():
    assert variables("{{style|a|b {x} \nline two}}") == [Variable("style", "a|b {x} \nline two")]


def test_repeated_names_share_one_variable_with_the_first_default():
    assert variables("{{who}} met {{who|Bob}} and {{who|Ann}}") == [Variable("who", "Bob")]


def test_names_are_case_sensitive():
    assert names("{{Name}} {{name}}") == ["Name", "name"]


@pytest.mark.parametrize("text", [
    "{{", "}}", "{{}}", "{{ }}", "{{|default}}", "{{ 1st }}", "{{na.me}}", "{{na/me}}", "{{ä}}",
    "{{" + "a" * 42 + "}}", "{{open", "close}}", "{ {x} }", "{x}", "{{{x}}}", "{{x}}}", "{{{x}}", "{{x}",
    "{{-x}}", "{{ x\ny }}",
])
def test_anything_else_is_literal_text(text):
    assert variables(text) == []
    assert fill(text, {"x": "X", "a": "A", "b": "B"}) == text


def test_longest_allowed_name_is_41_characters():
    assert names("{{" + "a" * 41 + "}}") == ["a" * 41]


def test_a_placeholder_inside_an_unbalanced_opening_still_counts():
    text = "{{a {{b}} and {{c"
    assert names(text) == ["b"]
    assert fill(text, {"b": "B"}) == "{{a B and {{c"


def test_braces_next_to_text_are_fine():
    assert fill("x{{a}}y", {"a": "-"}) == "x-y"


def test_fill_uses_values_then_defaults_then_leaves_the_placeholder():
    text = "Dear {{name}}, {{greeting|hello}}. {{missing}} {{ name }}"
    assert fill(text, {"name": "Ada"}) == "Dear Ada, hello. {{missing}} Ada"


def test_fill_with_an_empty_value():
    assert fill("[{{a|x}}]", {"a": ""}) == "[]"


def test_values_are_inserted_as_they_are_never_parsed_again():
    assert fill("{{a}} {{b}}", {"a": "{{b}}", "b": "$1 \\g<0> <b>"}) == "{{b}} $1 \\g<0> <b>"


def test_repeated_default_applies_to_every_use():
    assert fill("{{who}} and {{who|Bob}}", {}) == "Bob and Bob"


def test_json_and_code_stay_as_written():
    text = 'const t = {a: {b: 1}}; {"x": {{value}}}; f"{{{{escaped}}}}"; \\frac{{a}}{b}'
    assert variables(text) == [Variable("a")]  # \frac{{a}}{b}: braces that look like a placeholder are one
    assert fill(text, {}) == text


def test_at_most_max_variables_the_rest_stay_literal():
    text = " ".join(f"{{{{v{i}}}}}" for i in range(MAX_VARIABLES + 5))
    assert len(variables(text)) == MAX_VARIABLES
    filled = fill(text, {f"v{i}": "x" for i in range(MAX_VARIABLES + 5)})
    assert filled.split()[:MAX_VARIABLES] == ["x"] * MAX_VARIABLES
    assert filled.split()[MAX_VARIABLES:] == [f"{{{{v{i}}}}}" for i in range(MAX_VARIABLES, MAX_VARIABLES + 5)]


@pytest.mark.parametrize("text", ["{{" * 200_000, "{{a" * 150_000, "{{a|" + "x" * 1_000_000, "}}" * 300_000,
                                  "{" * 500_000 + "}" * 500_000])
def test_hostile_megabyte_inputs_are_quick(text):
    started = time.perf_counter()
    variables(text)
    fill(text, {"a": "b"})
    assert time.perf_counter() - started < 2


@given(st.text(alphabet=st.sampled_from(list("{}|ab _-\n1")), max_size=60))
def test_never_fails_and_text_without_values_or_defaults_is_unchanged(text):
    found = variables(text)
    if all(variable.default is None for variable in found):
        assert fill(text, {}) == text
    assert len({variable.name for variable in found}) == len(found)


@given(st.text(max_size=200))
def test_text_without_double_braces_has_no_variables(text):
    text = text.replace("{{", "{").replace("}}", "}")
    while "{{" in text or "}}" in text:
        text = text.replace("{{", "{").replace("}}", "}")
    assert variables(text) == [] and fill(text, {"x": "y"}) == text
