"""The one place that decides page vs fragment, and how to redirect an htmx request."""

from urllib.parse import urlsplit

from flask import Response, make_response, redirect, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """htmx asked for part of a page; not when it restores history or swaps the whole body."""
    return (is_htmx() and request.headers.get("HX-History-Restore-Request") != "true"
            and request.headers.get("HX-Request-Type") != "full")


def render(page: str, fragment: str | None = None, *, status: int = 200, **context) -> Response:
    """Render the full `page`, or only `fragment` when htmx asked; always `Vary: HX-Request`."""
    template = fragment if fragment and wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_to(location: str, *, status: int = 303) -> Response:
    """Redirect a browser with a 3xx, or an htmx request with `HX-Redirect` (htmx never sees a 302)."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=status)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after sign-in: no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
