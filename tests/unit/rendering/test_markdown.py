import pytest
from markupsafe import Markup

from pen.rendering import render_markdown
from pen.rendering.highlight import MAX_HIGHLIGHT_CHARS
from tests.corpus import assert_safe_html

from .allowlist import allowlist_problems

LINK_ATTRS = 'target="_blank" rel="noopener noreferrer nofollow"'
COPY_BUTTON = '<button class="copy-code" data-copy-code="" aria-label="Copy code" type="button">Copy</button>'


def test_returns_markup_safe_to_insert():
    html = render_markdown("**hi**")
    assert isinstance(html, Markup)
    assert html == "<p><strong>hi</strong></p>\n"


@pytest.mark.parametrize("text", ["", None])
def test_empty_text_renders_nothing(text):
    assert render_markdown(text) == Markup("")


def test_headings_and_emphasis():
    html = render_markdown("# Title\n\n### Sub\n\n*em* and **strong**")
    assert "<h1>Title</h1>" in html
    assert "<h3>Sub</h3>" in html
    assert "<em>em</em> and <strong>strong</strong>" in html


def test_lists_keep_their_start_number():
    html = render_markdown("- a\n- b\n\n3. c\n4. d")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in html
    assert '<ol start="3">\n<li>c</li>' in html


def test_blockquote_and_rule():
    assert render_markdown("> quoted\n\n---") == "<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr>\n"


def test_table_alignment_becomes_classes_not_styles():
    html = render_markdown("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |")
    assert '<th class="align-left">a</th>' in html
    assert '<th class="align-center">b</th>' in html
    assert '<td class="align-right">3</td>' in html
    assert "<td>4</td>" in html
    assert "style" not in html


def test_strikethrough():
    assert render_markdown("~~gone~~ kept") == "<p><s>gone</s> kept</p>\n"


def test_single_newlines_are_line_breaks():
    assert render_markdown("one\ntwo") == "<p>one<br>\ntwo</p>\n"


def test_raw_html_is_shown_as_text():
    html = render_markdown('<b onclick="x()">bold</b>\n\n<div>block</div>')
    assert '&lt;b onclick="x()"&gt;bold&lt;/b&gt;' in html
    assert "&lt;div&gt;block&lt;/div&gt;" in html
    assert "<b" not in html and "<div" not in html


def test_fenced_code_is_highlighted_with_classes_and_a_copy_button():
    html = render_markdown("```python\ndef f():\n    return '<x>'\n```")
    assert html.startswith(
        f'<div class="code-block"><div class="code-head"><span class="code-lang">python</span>'
        f'{COPY_BUTTON}</div><pre><code class="language-python"><span class="k">def</span>'
    )
    assert "<span class=\"s1\">'&lt;x&gt;'</span>" in html
    assert html.endswith("</code></pre></div>\n")
    assert "style=" not in html


def test_language_name_is_case_insensitive_but_label_keeps_its_case():
    html = render_markdown("```Python\nx = 1\n```")
    assert '<span class="code-lang">Python</span>' in html
    assert '<code class="language-python">' in html


def test_unknown_language_is_plain_escaped_text_with_its_label():
    html = render_markdown("```mermaid\ngraph <TD>\n```")
    assert '<span class="code-lang">mermaid</span>' in html
    assert "<pre><code>graph &lt;TD&gt;\n</code></pre>" in html


def test_code_without_language_has_no_label_and_is_never_guessed():
    html = render_markdown("```\ndef f(): pass\n```")
    assert "code-lang" not in html
    assert f'<div class="code-head">{COPY_BUTTON}</div><pre><code>def f(): pass\n</code></pre>' in html


@pytest.mark.parametrize("info", ['py"><b>', "py<script>", "x" * 33, "&quot;py", "py/x"], ids=repr)
def test_malformed_language_is_ignored(info):
    html = render_markdown(f"```{info}\nx = 1\n```")
    assert "code-lang" not in html
    assert "<pre><code>x = 1\n</code></pre>" in html


def test_words_after_the_language_are_ignored():
    assert '<code class="language-js">' in render_markdown("```js title=app.js\nlet a\n```")


def test_indented_code_gets_the_same_block():
    html = render_markdown("    a <b>")
    assert html == (
        f'<div class="code-block"><div class="code-head">{COPY_BUTTON}</div>'
        "<pre><code>a &lt;b&gt;\n</code></pre></div>\n"
    )


def test_unclosed_fence_runs_to_the_end_as_code():
    html = render_markdown("Intro\n\n```python\nimport os\n# not a heading\n[not](https://a.link)")
    assert "<p>Intro</p>" in html
    assert '<code class="language-python"><span class="kn">import</span>' in html
    assert '<span class="c1"># not a heading</span>' in html
    assert "<h1>" not in html and "<a " not in html


def test_huge_code_block_is_not_highlighted():
    code = "x = 1\n" * (MAX_HIGHLIGHT_CHARS // 6 + 1)
    html = render_markdown(f"```python\n{code}```")
    assert '<span class="code-lang">python</span>' in html
    assert "<pre><code>x = 1\n" in html
    assert '<span class="' not in html.split("<pre>", 1)[1]


def test_inline_code_is_escaped():
    assert render_markdown("use `<br>` here") == "<p>use <code>&lt;br&gt;</code> here</p>\n"


def test_links_open_in_a_new_tab_without_opener_or_referrer():
    html = render_markdown('[docs](https://example.com/a?b=1&c=2 "The docs")')
    assert html == (
        f'<p><a href="https://example.com/a?b=1&amp;c=2" title="The docs" {LINK_ATTRS}>docs</a></p>\n'
    )


def test_autolinks_and_mailto_links():
    html = render_markdown("<https://example.com> [mail](mailto:me@example.com)")
    assert f'<a href="https://example.com" {LINK_ATTRS}>https://example.com</a>' in html
    assert f'<a href="mailto:me@example.com" {LINK_ATTRS}>mail</a>' in html


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](/chats/1)",
        "[x](#top)",
        "[x](//evil.example/a)",
        "[x](ftp://example.com/f)",
        "[x](data:text/html,hi)",
        "<ftp://example.com/f>",
    ],
)
def test_only_absolute_http_and_mailto_urls_become_links(source):
    assert "<a" not in render_markdown(source)


def test_bare_urls_are_not_linked():
    assert "<a" not in render_markdown("see https://example.com")


def test_images_are_never_loaded_but_shown_as_links():
    html = render_markdown('![a *cat*](https://img.example/cat.png "Cat") ![](https://img.example/x.png)')
    assert "<img" not in html
    assert f'<a href="https://img.example/cat.png" title="Cat" {LINK_ATTRS}>a cat</a>' in html
    assert f'<a href="https://img.example/x.png" {LINK_ATTRS}>https://img.example/x.png</a>' in html


def test_image_with_unsafe_url_is_left_as_text():
    html = render_markdown("![x](data:image/png;base64,AAAA)")
    assert "<a" not in html and "<img" not in html


def test_output_has_no_carriage_returns():
    # A bare CR ends a line in server-sent events; rendered HTML must never carry one.
    html = render_markdown("a\rb\r\nc &#13; d\n```\nx\r\ny\n```")
    assert "\r" not in html


def test_sample_reply_renders_within_the_allow_list(sample_reply):
    html = render_markdown(sample_reply)
    assert html.count('<div class="code-block">') == 4
    assert html.count("<table>") == 1
    assert allowlist_problems(html) == []
    assert_safe_html(html)
