"""Check rendered HTML against the sanitiser's own allow-list (tags, attributes, classes)."""

from html.parser import HTMLParser

from pen.rendering.sanitize import (
    ALLOWED_ATTRIBUTE_VALUES,
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    FORCED_ATTRIBUTES,
    LINK_REL,
)


class _AllowListInspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
            return
        for name, value in attrs:
            value = value or ""
            if name == "class":
                extra = set(value.split()) - ALLOWED_CLASSES.get(tag, set())
                if extra:
                    self.problems.append(f"classes {sorted(extra)} on <{tag}>")
            elif name == "rel" and tag == "a":
                if value != LINK_REL:
                    self.problems.append(f"rel={value!r}")
            elif name in FORCED_ATTRIBUTES.get(tag, {}):
                if value != FORCED_ATTRIBUTES[tag][name]:
                    self.problems.append(f"{name}={value!r} on <{tag}>")
            elif name in ALLOWED_ATTRIBUTE_VALUES.get(tag, {}):
                if value not in ALLOWED_ATTRIBUTE_VALUES[tag][name]:
                    self.problems.append(f"{name}={value!r} on <{tag}>")
            elif name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.problems.append(f"attribute {name} on <{tag}>")


def allowlist_problems(html: str) -> list[str]:
    """Everything in ``html`` that the sanitiser's allow-list does not allow."""
    inspector = _AllowListInspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems
