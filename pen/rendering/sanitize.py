"""The last wall: nh3 (ammonia) with an allow-list of exactly what the renderer emits.

It must hold on its own, even if the markdown step let raw HTML through: no scripts, no
``style``/``id``/``on*``/``hx-*`` attributes, no classes but ours, no URL other than absolute
http(s)/mailto, every link opens in a new tab with ``rel="noopener noreferrer nofollow"``.
"""

import nh3

from pen.rendering.highlight import LANGUAGE_CLASSES, TOKEN_CLASSES

URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

ALLOWED_TAGS = frozenset(
    {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre"}
    | {"blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a"}
    | {"div", "span", "button"}
)
# Attributes allowed with any value (URLs are still checked against URL_SCHEMES).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# Attributes allowed with one exact value only.
ALLOWED_ATTRIBUTE_VALUES = {"button": {"aria-label": {"Copy code"}, "data-copy-code": {""}}}
# Attributes always set, whatever the input said.
FORCED_ATTRIBUTES = {"a": {"target": "_blank"}, "button": {"type": "button"}}
ALIGN_CLASSES = frozenset({"align-left", "align-center", "align-right"})
ALLOWED_CLASSES = {
    "div": {"code-block", "code-head"},
    "span": {"code-lang"} | TOKEN_CLASSES,
    "button": {"copy-code"},
    "code": set(LANGUAGE_CLASSES),
    "th": set(ALIGN_CLASSES),
    "td": set(ALIGN_CLASSES),
}

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
    set_tag_attribute_values=FORCED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=set(URL_SCHEMES),
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Keep only allow-listed markup from ``html``; the result is safe to insert in a page."""
    return _CLEANER.clean(html)
