"""Code blocks: Pygments highlighting (CSS classes only) inside a block with a copy button.

The fence's language is attacker-controlled: it is only used when it matches ``LANGUAGE_RE``, it
picks a lexer by exact name (never ``guess_lexer``: slow and wrong), and an unknown language
falls back to escaped plain text.
"""

import re
from functools import lru_cache

from markupsafe import escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

LANGUAGE_RE = re.compile(r"[A-Za-z0-9_+#.-]{1,32}")

# Past this size a block is shown as plain text: bounds the work per render (a streaming reply
# is re-rendered many times a second) and keeps hostile input away from slow lexer regexes.
MAX_HIGHLIGHT_CHARS = 20_000

# Every class the renderer may put on a code block's elements; the sanitiser allows no others.
TOKEN_CLASSES = frozenset(cls for cls in STANDARD_TYPES.values() if cls)
LANGUAGE_CLASSES = frozenset(
    f"language-{alias}"
    for _name, aliases, _patterns, _mimetypes in get_all_lexers()
    for alias in aliases
    if LANGUAGE_RE.fullmatch(alias)
)

_FORMATTER = HtmlFormatter(nowrap=True)
_COPY_BUTTON = '<button type="button" class="copy-code" data-copy-code aria-label="Copy code">Copy</button>'


@lru_cache(maxsize=256)
def _lexer(alias: str) -> Lexer | None:
    """The lexer registered under ``alias`` (lower case), or None."""
    if f"language-{alias}" not in LANGUAGE_CLASSES:
        return None
    try:
        return get_lexer_by_name(alias, stripnl=False)
    except ClassNotFound:
        return None


def clean_language(info: str) -> str | None:
    """The language named by a fence's info string, if it is a well-formed name."""
    words = info.split(maxsplit=1)
    if words and LANGUAGE_RE.fullmatch(words[0]):
        return words[0]
    return None


@lru_cache(maxsize=256)
def highlight_code(code: str, alias: str) -> str | None:
    """Highlighted HTML for ``code``, or None when there is no lexer for ``alias`` (lower case).

    Cached: a streaming reply is re-rendered many times a second, and its finished blocks (and a
    reloaded page's) come back unchanged.
    """
    lexer = _lexer(alias)
    if lexer is None or len(code) > MAX_HIGHLIGHT_CHARS:
        return None
    return highlight(code, lexer, _FORMATTER)


def render_code_block(code: str, language: str | None) -> str:
    """HTML for one code block: a head (language label, copy button) and the highlighted code."""
    alias = language.lower() if language else ""
    body = highlight_code(code, alias) if alias else None
    if body is not None:
        code_open = f'<code class="language-{alias}">'
    else:
        body = str(escape(code))
        code_open = "<code>"
    label = f'<span class="code-lang">{escape(language)}</span>' if language else ""
    return (
        f'<div class="code-block"><div class="code-head">{label}{_COPY_BUTTON}</div>'
        f"<pre>{code_open}{body}</code></pre></div>\n"
    )
