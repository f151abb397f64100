"""Markdown → safe HTML, for model replies and user messages alike (both are hostile).

One module-level MarkdownIt (CommonMark + tables + strikethrough, ``breaks``), reused for every
render, the streaming ones included, so a reload looks exactly like the stream. Raw HTML is shown
as text (``html=False``); the output then goes through the nh3 allow-list in ``sanitize``.

Choices a reader should know:
- Links: only absolute ``http``, ``https`` and ``mailto`` URLs become links; anything else stays
  as the literal markdown text. Every link opens in a new tab, ``rel="noopener noreferrer
  nofollow"``.
- Images are never loaded: ``![alt](url)`` renders as a plain link to ``url`` labelled with the
  alt text (or the URL when there is none). A remote image would load by itself and could beacon
  chat content out to whoever wrote the URL ("markdown image exfiltration"); a link needs a
  click, and its target is visible.
- Table alignment becomes a class (``align-left|center|right``): a strict CSP forbids ``style``.
- Bare URLs are not auto-linked (markdown-it's linkify needs the linkify-it-py package).
"""

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from pen.rendering.highlight import clean_language, render_code_block
from pen.rendering.sanitize import sanitize_html

_SAFE_LINK_RE = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)
_ALIGN_STYLES = {f"text-align:{side}": f"align-{side}" for side in ("left", "center", "right")}


def _validate_link(url: str) -> bool:
    """markdown-it's link check (the URL is already normalised): absolute http(s)/mailto only."""
    return _SAFE_LINK_RE.match(url) is not None


def _fence(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    return render_code_block(token.content, clean_language(unescapeAll(token.info)))


def _code_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return render_code_block(tokens[idx].content, None)


def _image_as_link(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("src") or "")
    title = token.attrGet("title")
    alt = self.renderInlineAsText(token.children or [], options, env)
    title_attr = f' title="{escapeHtml(str(title))}"' if title else ""
    return f'<a href="{escapeHtml(href)}"{title_attr}>{escapeHtml(alt or href)}</a>'


def _table_cell_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    align = _ALIGN_STYLES.get(str(token.attrs.pop("style", "")))
    if align:
        token.attrSet("class", align)
    return self.renderToken(tokens, idx, options, env)


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _validate_link
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)
    md.add_render_rule("image", _image_as_link)
    md.add_render_rule("th_open", _table_cell_open)
    md.add_render_rule("td_open", _table_cell_open)
    return md


_MD = _build()


def render_markdown(text: str | None) -> Markup:
    """Render ``text`` as markdown to sanitised HTML (safe to insert with ``|safe``).

    Any prefix of a reply renders too (an unclosed code fence runs to the end), so the same
    call serves every streaming update and the saved page.
    """
    if not text:
        return Markup("")
    return Markup(sanitize_html(_MD.render(text)))  # noqa: S704 - nh3 allow-list output
