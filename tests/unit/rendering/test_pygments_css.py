import re
from pathlib import Path

import pen
from pen.rendering.pygments_css import SCOPE, stylesheet

CSS_PATH = Path(pen.__file__).parent / "static" / "css" / "pygments.css"


def test_committed_stylesheet_is_up_to_date():
    assert CSS_PATH.read_text(encoding="utf-8") == stylesheet(), (
        "regenerate: python -m pen.rendering.pygments_css > pen/static/css/pygments.css"
    )


def test_stylesheet_is_small():
    assert len(stylesheet().encode()) < 12 * 1024


def test_light_and_dark_themes_are_exclusive_and_scoped():
    css = stylesheet()
    light, dark = re.findall(r"@media ([^{]+)\{\n(.*?)\n\}", css, re.DOTALL)
    assert light[0].strip() == "not all and (prefers-color-scheme: dark)"
    assert dark[0].strip() == "(prefers-color-scheme: dark)"
    for _query, rules in (light, dark):
        selectors = [line.strip().split(" {")[0] for line in rules.splitlines()]
        assert len(selectors) > 40
        assert all(selector.startswith(SCOPE) for selector in selectors), selectors
    assert "#0d1117" in dark[1]  # github-dark's background
    assert ".code-block pre .k {" in light[1] and ".code-block pre .k {" in dark[1]
