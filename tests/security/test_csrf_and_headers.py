"""CSRF on every unsafe route; security headers, CSP and no CORS on every route; cookie flags."""

import pytest

from tests.security.access import access_of
from tests.security.test_authorization_matrix import RULES, form_data, url_for_rule

UNSAFE = [(e, r, m) for e, r, m in RULES if m in {"POST", "PUT", "PATCH", "DELETE"}]
SAFE = [(e, r, m) for e, r, m in RULES if m == "GET"]
REQUIRED_CSP = ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                "base-uri 'self'"]


def principal(world, access: str) -> int | None:
    """The user for whom the route would work: nobody for public routes, else the owner or the admin."""
    return {"public": None, "signed_in": world.owner, "owner": world.owner, "admin": world.admin,
            "self_or_admin": world.other}[access]


def client_for(app, as_user, user_id):
    return app.test_client() if user_id is None else as_user(user_id)


@pytest.mark.parametrize(("endpoint", "rule", "method"), UNSAFE, ids=[f"{m} {r}" for _, r, m in UNSAFE])
def test_unsafe_request_without_a_csrf_token_is_refused_and_changes_nothing(app, world, as_user, endpoint, rule,
                                                                              method):
    from pen.extensions import db
    from pen.models import Chat, Message, Prompt, User

    client = client_for(app, as_user, principal(world, access_of(endpoint)))
    url = url_for_rule(rule, endpoint, world.ids())

    def snapshot():
        with app.app_context():
            return [db.session.scalar(db.select(db.func.count()).select_from(model)) for model in (User, Chat, Message, Prompt)]

    before = snapshot()
    for htmx in (False, True):
        response = client.open(url, method=method, data=form_data(world), csrf=False, htmx=htmx,
                               content_type="multipart/form-data")
        response.close()
        assert response.status_code == 400, (htmx, response.status_code)
        if htmx:
            assert response.headers["HX-Refresh"] == "true"
    forged = client.open(url, method=method, data=form_data(world), csrf=False, headers={"X-CSRFToken": "forged"},
                         content_type="multipart/form-data")
    assert forged.status_code == 400
    assert snapshot() == before


def cors_headers(response) -> list[str]:
    # Werkzeug's Headers iterate as (name, value) pairs, hence .keys()
    return [name for name in response.headers.keys() if name.lower().startswith("access-control-")]  # noqa: SIM118


def assert_security_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in REQUIRED_CSP:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert cors_headers(response) == []


@pytest.mark.parametrize(("endpoint", "rule", "method"), SAFE, ids=[f"{m} {r}" for _, r, m in SAFE])
def test_every_page_has_security_headers_and_no_cors(app, world, as_user, endpoint, rule, method):
    client = client_for(app, as_user, principal(world, access_of(endpoint)))
    url = url_for_rule(rule, endpoint, world.ids())
    for headers in ({}, {"Origin": "https://evil.example", "HX-Request": "true"}):
        response = client.get(url, headers=headers)
        response.get_data()
        response.close()
        assert_security_headers(response)
        if endpoint != "static":  # private pages: the browser keeps no copy (Back asks the server again)
            assert "no-store" in response.headers.get("Cache-Control", "") or response.mimetype == "text/event-stream", \
                response.headers.get("Cache-Control")


def test_cross_origin_preflight_gets_no_cors_permission(client):
    response = client.options("/chats/send", headers={"Origin": "https://evil.example",
                                                        "Access-Control-Request-Method": "POST"})
    assert cors_headers(response) == []


def test_session_and_remember_cookies_are_httponly_samesite_lax(app, world):
    from pen.extensions import db
    from pen.models import User
    from tests.conftest import DEFAULT_PASSWORD

    with app.app_context():
        email = db.session.get(User, world.owner).email
    response = app.test_client().post("/signin", data={"email": email, "password": DEFAULT_PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} >= {"pen_session", "pen_remember"}
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_script_listens_to_other_windows():
    from pathlib import Path

    scripts = Path(__file__).resolve().parents[2] / "pen" / "static" / "js"
    for path in scripts.glob("*.js"):
        text = path.read_text()
        assert "postMessage" not in text and '"message"' not in text and "'message'" not in text, path
        assert "localStorage" not in text and "sessionStorage" not in text, path
