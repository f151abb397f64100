"""Every hostile payload, through every path that turns text into HTML, yields inert HTML."""

import pytest
from markdown_it import MarkdownIt

from pen.rendering import render_markdown
from pen.rendering.sanitize import sanitize_html
from tests.corpus import assert_safe_html, html_problems, load_xss_corpus, load_xss_payloads, url_is_safe

from .allowlist import allowlist_problems

CORPUS = load_xss_corpus()
# A markdown step with raw HTML switched on stands in for a bug in ours: nh3 must still hold.
BUGGY_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def test_corpus_is_large_and_covers_every_kind():
    assert len(load_xss_payloads()) >= 120
    assert len({payload.id for payload in CORPUS}) == len(CORPUS)
    kinds = {payload.kind for payload in CORPUS}
    assert kinds >= {"script", "event-handler", "embed", "url-html", "svg", "mathml-mxss", "broken"}
    assert kinds >= {"unicode", "htmx", "markdown", "split"}


def test_split_payloads_say_why_they_are_split():
    split = [payload for payload in CORPUS if payload.kind == "split"]
    assert len(split) >= 10
    for payload in split:
        assert len(payload.chunks) >= 2 and payload.note, payload.id


@pytest.mark.parametrize("payload", CORPUS, ids=lambda payload: payload.id)
def test_rendered_payload_is_inert(payload):
    html = render_markdown(payload.text)
    assert_safe_html(html)
    assert allowlist_problems(html) == []
    assert sanitize_html(html) == html  # re-parsing the output changes nothing (no mXSS)


@pytest.mark.parametrize("payload", CORPUS, ids=lambda payload: payload.id)
def test_sanitiser_alone_makes_raw_payload_inert(payload):
    for html in (payload.text, BUGGY_MARKDOWN.render(payload.text)):
        clean = sanitize_html(html)
        assert_safe_html(clean)
        assert allowlist_problems(clean) == []
        assert_safe_html(sanitize_html(clean))


@pytest.mark.parametrize("payload", [p for p in CORPUS if p.kind == "split"], ids=lambda payload: payload.id)
def test_chunks_rendered_one_by_one_and_joined_are_inert(payload):
    assert_safe_html("".join(render_markdown(chunk) for chunk in payload.chunks))


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<p><img src=x></p>",
        "<svg></svg>",
        "<math></math>",
        "<iframe></iframe>",
        "<object></object>",
        "<embed>",
        "<style></style>",
        "<form></form>",
        "<meta http-equiv=refresh>",
        "<base href=https://e.example>",
        "<link rel=import>",
        "<p onclick=f()>x</p>",
        "<p ONMOUSEOVER=f()>x</p>",
        '<div hx-get="/admin">x</div>',
        '<div data-hx-get="/admin">x</div>',
        "<p style=color:red>x</p>",
        "<p id=htmx>x</p>",
        "<p srcdoc=x>x</p>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="java\u200bscript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<a href="/relative">x</a>',
        '<button formaction="javascript:alert(1)">x</button>',
        '<a href="https://e.example" target="_blank">x</a>',
        "<!-- x -->",
    ],
)
def test_checker_rejects_unsafe_html(html):
    assert html_problems(html)
    with pytest.raises(AssertionError):
        assert_safe_html(html)


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a:b", "HTTP://example.com", "mailto:me@example.com", " https://example.com"],
)
def test_checker_accepts_absolute_http_and_mailto_urls(url):
    assert url_is_safe(url)


def test_checker_accepts_rendered_markdown(sample_reply):
    assert html_problems(render_markdown(sample_reply)) == []
