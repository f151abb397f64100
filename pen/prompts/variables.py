"""Variables in a prompt's text: `{{name}}` and `{{name|default}}` placeholders.

The grammar (anything that does not fit it is literal text, never an error):

    placeholder = "{{" inner "}}"      not directly preceded by "{" and not directly followed by "}"
    inner       = name [ "|" default ]  the first "|" splits name from default
    name        = [A-Za-z_][A-Za-z0-9_ -]{0,40}   after trimming surrounding whitespace
    default     = any text without "{{" or "}}"    (may hold "|" and newlines), trimmed

- `{{ topic }}` and `{{topic}}` are the same variable; `{{ tone | friendly }}` has the default "friendly";
  `{{tone|}}` has an empty default (the field may stay empty).
- A name used more than once is one variable (one field); its default is the first one given.
- Literal, not placeholders: an unbalanced `{{`, `{{}}`, `{{ 1st }}` (bad name), a name over 41
  characters, `{{{name}}}` and `{{name}}}` (braces touching a placeholder, as in Handlebars or
  JSON), and a `{{` inside another placeholder's braces (`{{a {{b}}` — here only `{{b}}` counts).
- At most `MAX_VARIABLES` distinct names; placeholders with further names stay literal.

`variables(text)` lists the variables; `fill(text, values)` substitutes them: a given value, else
the default, else the placeholder stays as written. Both are pure functions of their input.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

MAX_VARIABLES = 50
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_ -]{0,40}")
# "{{", then text holding neither "{{" nor "}}", then "}}"; no "{" just before, no "}" just after.
CANDIDATE = re.compile(r"(?<!\{)\{\{((?:(?!\{\{|\}\}).)*)\}\}(?!\})", re.DOTALL)


@dataclass(frozen=True)
class Variable:
    name: str
    default: str | None = None  # None: no default given (the field is required)


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    name: str
    default: str | None


def placeholders(text: str) -> Iterator[Placeholder]:
    """The valid placeholders in `text`, left to right."""
    names: set[str] = set()
    for match in CANDIDATE.finditer(text):
        raw_name, bar, raw_default = match.group(1).partition("|")
        name = raw_name.strip()
        if not NAME.fullmatch(name):
            continue
        if name not in names:
            if len(names) >= MAX_VARIABLES:
                continue
            names.add(name)
        yield Placeholder(match.start(), match.end(), name, raw_default.strip() if bar else None)


def variables(text: str) -> list[Variable]:
    """The distinct variables of `text` in order of first use, each with its first default."""
    found: dict[str, str | None] = {}
    for placeholder in placeholders(text):
        if found.get(placeholder.name) is None:
            found[placeholder.name] = placeholder.default
    return [Variable(name, default) for name, default in found.items()]


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each placeholder replaced by its value, else its variable's default, else left as written."""
    defaults = {variable.name: variable.default for variable in variables(text)}
    parts, position = [], 0
    for placeholder in placeholders(text):
        value = values.get(placeholder.name)
        if value is None:
            value = defaults.get(placeholder.name)
        if value is None:
            continue
        parts += [text[position:placeholder.start], value]
        position = placeholder.end
    parts.append(text[position:])
    return "".join(parts)
