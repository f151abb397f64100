"""Security headers, CSRF, htmx conventions and error pages."""

import pytest

from pen.web.headers import CONTENT_SECURITY_POLICY

CSP = "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in CSP.split("; "):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("path", ["/signin", "/signup", "/", "/nope", "/static/css/pen.css"])
def test_security_headers_on_every_kind_of_response(client, path):
    with client.get(path) as response:
        assert_security_headers(response)


def test_security_headers_on_errors_and_htmx_fragments(client, make_user, login):
    login(make_user())
    assert_security_headers(client.get("/nope", htmx=True))
    assert_security_headers(client.post("/profile", data={}, htmx=True))
    assert CONTENT_SECURITY_POLICY.startswith("default-src 'self'")


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    make_user(email="c@example.com")
    response = client.post("/signin", data={"email": "c@example.com", "password": "correct horse battery", "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("pen_session", "pen_remember"):
        cookie = next(c for c in cookies if c.startswith(name + "="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_with_https(app, make_user):
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    make_user(email="s@example.com")
    client = app.test_client()
    response = client.post("/signin", data={"email": "s@example.com", "password": "correct horse battery", "remember": "y"})
    assert all("Secure" in cookie for cookie in response.headers.getlist("Set-Cookie"))


def test_unsafe_request_without_csrf_token_is_refused(client, make_user):
    make_user(email="x@example.com")
    response = client.post("/signin", data={"email": "x@example.com", "password": "correct horse battery"}, csrf=False)
    assert response.status_code == 400 and "session expired" in response.text


def test_htmx_request_without_csrf_token_gets_hx_refresh(client, make_user, login):
    login(make_user())
    response = client.post("/profile", data={"name": "x"}, csrf=False, htmx=True)
    assert response.status_code == 400 and response.headers["HX-Refresh"] == "true"


def test_a_forged_csrf_token_is_refused(client, make_user, login):
    login(make_user())
    response = client.post("/profile", data={"name": "x"}, csrf=False, headers={"X-CSRFToken": "forged.token.value"})
    assert response.status_code == 400


def test_anonymous_page_request_redirects_to_sign_in(client):
    response = client.get("/profile")
    assert response.status_code == 303 and response.headers["Location"] == "/signin?next=/profile"


def test_anonymous_htmx_request_gets_401_and_hx_redirect(client):
    response = client.post("/profile", data={}, htmx=True, headers={"HX-Current-URL": "http://localhost/profile"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/signin?next=/profile"


def test_fragments_vary_on_hx_request(client):
    full = client.get("/signin")
    fragment = client.post("/signin", data={"email": "", "password": ""}, htmx=True)
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    assert "<html" in full.text and "<html" not in fragment.text


def test_unknown_page_is_a_friendly_404(client, make_user, login):
    login(make_user())
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Not found" in response.text and "<html" in response.text


def test_htmx_error_is_swapped_into_the_toast_area(client, make_user, login):
    login(make_user())
    response = client.get("/no/such/page", htmx=True)
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#toasts" and "<html" not in response.text


def test_server_error_page_is_friendly_and_reveals_nothing(tmp_path):
    from config import TestConfig
    from pen import create_app

    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500 and "Something went wrong" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert_security_headers(response)


def test_static_urls_carry_a_content_hash_and_long_cache(client):
    page = client.get("/signin").text
    assert "/static/css/pen.css?v=" in page
    with client.get("/static/css/pen.css") as response:
        assert response.status_code == 200 and "max-age=31536000" in response.headers["Cache-Control"]


def test_every_request_gets_a_request_id(client):
    assert len(client.get("/signin").headers["X-Request-ID"]) == 12
    assert client.get("/signin", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert client.get("/signin", headers={"X-Request-ID": "bad id <script>"}).headers["X-Request-ID"] != "bad id <script>"


def test_form_fields_never_render_none_attributes(client):
    page = client.get("/signup").text
    assert '="None"' not in page and 'aria-describedby="password-hint"' in page
    errors = client.post("/signup", data={"name": "", "email": "x"}, htmx=True).text
    assert '="None"' not in errors and 'aria-invalid="true"' in errors


def test_provider_settings_come_from_the_config(app):
    from pen.providers import get_settings

    assert app.extensions["pen.providers"].read_timeout == app.config["PEN_PROVIDER_READ_TIMEOUT"]
    assert get_settings().connect_timeout == app.config["PEN_PROVIDER_CONNECT_TIMEOUT"]


def test_history_restore_gets_the_whole_page_not_a_fragment(client, make_user, login):
    login(make_user(admin=True))
    assert "<html" not in client.get("/admin/users?q=a", htmx=True).text  # a search: just the results
    for headers in ({"HX-History-Restore-Request": "true"}, {"HX-Request-Type": "full"}):
        response = client.get("/admin/users?q=a", htmx=True, headers=headers)  # Back: the whole page
        assert "<html" in response.text, headers


def test_an_expired_session_on_an_htmx_post_is_sent_to_sign_in(client):
    response = client.post("/chats/send", data={"message": "my long draft"}, csrf=False, htmx=True,
                           headers={"HX-Current-URL": "http://localhost/c/5"})
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/signin?next=/c/5"


def test_composer_disables_the_message_box_while_a_reply_streams(client, make_user, login):
    login(make_user())
    composer = client.get("/").text.split('id="composer"')[1].split(">")[0]
    assert 'hx-disable="find #composer-input, find .send-button"' in composer
