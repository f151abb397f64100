import pytest

from pen.web.htmx import safe_next


@pytest.mark.parametrize("target", ["/", "/c/12", "/profile?tab=x"])
def test_relative_paths_are_followed(target):
    assert safe_next(target, "/home") == target


@pytest.mark.parametrize(
    "target",
    [None, "", "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil", "javascript:alert(1)",
     "/\tevil", "http:/evil.example", "relative/path"],
)
def test_everything_else_falls_back(target):
    assert safe_next(target, "/home") == "/home"
