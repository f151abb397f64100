"""Hostile inputs, and a checker for HTML produced from them.

``xss_payloads.json`` is a list of entries ``{"id", "kind", "payload"}``. Entries of kind
``split`` carry ``"chunks"`` (and a ``"note"``) instead of ``"payload"``: each chunk is harmless
alone, the joined text is not; send the chunks as consecutive stream deltas. Every payload tries
to call ``alert(1)`` or set ``window.__xss = 1``, except most ``htmx`` ones, which try to make
htmx send a request on load (to ``/admin``, ``/account/delete``, ``/settings``, ``/chats``).
Use them as user messages, model replies, chat titles, names...

``assert_safe_html`` checks an HTML *fragment* as ``pen.rendering`` produces it (a message body),
not a whole page: it rejects any ``img``, ``form``, ``script``..., relative URLs included.
"""

import json
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

CORPUS_PATH = Path(__file__).with_name("xss_payloads.json")

FORBIDDEN_TAGS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "param"}
    | {"svg", "math", "style", "link", "meta", "base", "template", "noscript", "title"}
    | {"form", "input", "textarea", "select", "option", "isindex", "hx-partial"}
    | {"img", "image", "picture", "source", "video", "audio", "track"}
    | {"xmp", "noembed", "noframes", "plaintext", "marquee"}
)
FORBIDDEN_ATTRIBUTES = frozenset(
    {"style", "id", "name", "srcdoc", "srcset", "form", "formaction", "is", "autofocus"}
)
FORBIDDEN_ATTRIBUTE_PREFIXES = ("on", "hx-", "data-hx", "xlink:", "xml")
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "data", "poster", "cite", "background", "codebase", "ping", "lowsrc"}
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# Browsers drop ASCII tab/newline anywhere in a URL and C0 controls/space at its ends; drop every
# control, space and invisible character anywhere, to be stricter than any browser.
_URL_NOISE_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060\ufeff]")
_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]*):")


@dataclass(frozen=True)
class Payload:
    id: str
    kind: str
    chunks: tuple[str, ...]
    note: str = ""

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def load_xss_corpus() -> list[Payload]:
    """Every entry of the corpus, split ones with their stream chunks."""
    entries = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))
    return [
        Payload(
            id=entry["id"],
            kind=entry["kind"],
            chunks=tuple(entry["chunks"]) if "chunks" in entry else (entry["payload"],),
            note=entry.get("note", ""),
        )
        for entry in entries
    ]


def load_xss_payloads() -> list[str]:
    """Every payload as one string (split payloads joined)."""
    return [payload.text for payload in load_xss_corpus()]


def url_is_safe(value: str) -> bool:
    """True for an absolute http(s)/mailto URL, however it is encoded or padded."""
    cleaned = _URL_NOISE_RE.sub("", unescape(value)).lower()
    match = _SCHEME_RE.match(cleaned)
    return match is not None and match.group(1) in SAFE_SCHEMES


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in FORBIDDEN_ATTRIBUTES or name.startswith(FORBIDDEN_ATTRIBUTE_PREFIXES):
                self.problems.append(f"{name}= attribute on <{tag}>")
            elif name in URL_ATTRIBUTES and not url_is_safe(value):
                self.problems.append(f"unsafe URL {name}={value!r} on <{tag}>")
        if "target" in values and "noopener" not in values.get("rel", "").split():
            self.problems.append(f"<{tag} target> without rel=noopener")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration <!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration <![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction <?{data}>")


def html_problems(html: str) -> list[str]:
    """What makes ``html`` unsafe to insert in a page (empty when it is safe)."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def assert_safe_html(html: str) -> None:
    """Fail unless ``html`` is a fragment that can run nothing and load nothing by itself."""
    problems = html_problems(html)
    assert not problems, f"unsafe HTML ({'; '.join(problems)}):\n{html}"
