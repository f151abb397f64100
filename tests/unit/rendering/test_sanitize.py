"""The nh3 step on its own, fed raw HTML: it must hold even if the markdown step had a bug."""

import pytest

from pen.rendering.sanitize import (
    ALLOWED_ATTRIBUTE_VALUES,
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    sanitize_html,
)

LINK_ATTRS = 'target="_blank" rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ("<style>p{}</style>ok", "ok"),
        ("<p onclick=alert(1) style=color:red id=x>t</p>", "<p>t</p>"),
        (
            '<div hx-get="/admin" hx-trigger="load" data-hx-post="/x" hx-on:click="f()">t</div>',
            "<div>t</div>",
        ),
        ('<span class="k evil">t</span>', '<span class="k">t</span>'),
        ('<p class="code-block">t</p>', "<p>t</p>"),
        ('<code class="language-python language-nope">t</code>', '<code class="language-python">t</code>'),
        ('<img src="https://tracker.example/p.gif" alt="x">', ""),
        ("<svg><circle></circle></svg><math><mi>x</mi></math>", ""),
        ("<iframe src=https://example.com></iframe><object></object><embed>", ""),
        ("<!-- comment -->t", "t"),
        ('<a href="javascript:alert(1)">x</a>', f"<a {LINK_ATTRS}>x</a>"),
        ('<a href="/admin">x</a>', f"<a {LINK_ATTRS}>x</a>"),
        ('<a href="data:text/html,x">x</a>', f"<a {LINK_ATTRS}>x</a>"),
        (
            '<a href="https://e.example" target="_self" rel="opener" name="n">x</a>',
            f'<a href="https://e.example" {LINK_ATTRS}>x</a>',
        ),
        (
            '<button type="submit" aria-label="Delete" data-copy-code="1">x</button>',
            '<button type="button">x</button>',
        ),
        ('<ol start="2" reversed type="a"><li>x</li></ol>', '<ol start="2"><li>x</li></ol>'),
        ('<td style="text-align:right" class="align-right">x</td>', "x"),
        (
            '<table><tr><td style="text-align:right" class="align-right">x</td></tr></table>',
            '<table><tbody><tr><td class="align-right">x</td></tr></tbody></table>',
        ),
    ],
)
def test_raw_html_is_cut_down_to_the_allow_list(raw, clean):
    assert sanitize_html(raw) == clean


def test_renderer_markup_survives_untouched():
    block = (
        '<div class="code-block"><div class="code-head"><span class="code-lang">python</span>'
        '<button class="copy-code" data-copy-code="" aria-label="Copy code" type="button">Copy</button>'
        '</div><pre><code class="language-python"><span class="k">def</span></code></pre></div>'
    )
    assert sanitize_html(block) == block


def _allowed_attribute_names() -> set[str]:
    names = {"class", "rel", "target", "type"}
    for attributes in ALLOWED_ATTRIBUTES.values():
        names |= attributes
    for values in ALLOWED_ATTRIBUTE_VALUES.values():
        names |= set(values)
    return names


def test_allow_list_has_no_dangerous_attribute():
    for name in _allowed_attribute_names():
        assert not name.startswith(("on", "hx-", "data-hx", "xlink", "xml")), name
        assert name not in {"style", "id", "name", "src", "srcdoc", "srcset", "action", "formaction", "form"}


def test_allow_list_has_no_dangerous_or_foreign_tag():
    dangerous = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "input", "img"}
    dangerous |= {"meta", "base", "link", "template", "noscript", "textarea", "title", "xmp", "select"}
    assert not ALLOWED_TAGS & dangerous
    assert set(ALLOWED_CLASSES) <= ALLOWED_TAGS
