"""A streaming reply is re-rendered after every delta: every prefix must render, and safely."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pen.rendering import render_markdown
from pen.rendering.highlight import highlight_code
from pen.rendering.sanitize import sanitize_html
from tests.corpus import assert_safe_html, load_xss_payloads

from .allowlist import allowlist_problems

# Characters that matter to markdown and HTML, plus a few that are commonly mishandled.
MARKUP_ALPHABET = st.sampled_from(
    list("<>/\"'=&#;:()[]!*_~`|-+.\\ \n\r\t\x00")
    + ["javascript", "script", "onerror", "hx-get", "```"]
    + ["https://e.example", "img", "svg", "\u2028", "\ufeff", "&#x09;", "|:-:|", "    "]
)


def _assert_rendered_safely(text: str) -> None:
    html = render_markdown(text)
    assert allowlist_problems(html) == [], (text, html)
    assert_safe_html(html)
    assert sanitize_html(html) == html


def test_every_prefix_of_every_payload_renders_safely():
    for payload in load_xss_payloads():
        for end in range(1, len(payload) + 1):
            _assert_rendered_safely(payload[:end])


def test_prefixes_of_a_long_reply_render_safely(sample_reply):
    for end in range(1, len(sample_reply) + 1, 7):
        _assert_rendered_safely(sample_reply[:end])


def test_a_growing_code_fence_shows_its_code_so_far():
    frames = [render_markdown(text) for text in ("```py", "```python\nx = ", "```python\nx = 1\n```\nDone")]
    assert frames[0].startswith('<div class="code-block"><div class="code-head"><span class="code-lang">py<')
    assert '<code class="language-python"><span class="n">x</span>' in frames[1]
    assert frames[2].endswith("</code></pre></div>\n<p>Done</p>\n")


def test_last_stream_frame_matches_a_fresh_render(sample_reply):
    # The reloaded page must look exactly like the end of the stream, caches or not.
    for end in range(1, len(sample_reply) + 1, 50):
        render_markdown(sample_reply[:end])
    last_frame = render_markdown(sample_reply)
    highlight_code.cache_clear()
    assert render_markdown(sample_reply) == last_frame


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKUP_ALPHABET, max_size=60).map("".join))
def test_any_markup_soup_renders_safely(text):
    _assert_rendered_safely(text)
