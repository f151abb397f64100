"""A whole session through the browser-facing routes, then a scan of every response (status line,
headers, body) and every log record at DEBUG: the raw API keys appear nowhere."""

import logging
import re
import secrets

import pytest

from pen.models import Provider
from tests.integration.admin.helpers import row

PASSWORD = "correct horse battery"


class Recorder:
    """Wraps a test client; keeps every response it sees, redirects included."""

    def __init__(self, client, seen):
        self.client, self.seen = client, seen

    def open(self, url, method="GET", **kwargs):
        response = self.client.open(url, method=method, follow_redirects=True, **kwargs)
        for each in [*response.history, response]:
            self.seen.append((f"{method} {url} -> {each.status}", each.headers.to_wsgi_list(), each.get_data(as_text=True)))
        return response

    def get(self, url, **kwargs):
        return self.open(url, "GET", **kwargs)

    def post(self, url, **kwargs):
        return self.open(url, "POST", **kwargs)


def sign_up(app, seen, name, email) -> Recorder:
    browser = Recorder(app.test_client(), seen)
    browser.get("/signup")
    browser.post("/signup", data={"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD})
    return browser


def provider_id(page: str, name: str) -> int:
    return int(re.search(rf'<tbody id="provider-(\d+)">(?:(?!</tbody>).)*?<strong>{re.escape(name)}</strong>', page, re.S).group(1))


@pytest.fixture
def keys(fake_provider):
    valid = "sk-leak-" + secrets.token_hex(16)
    fake_provider.api_key = valid
    return {"valid": valid, "wrong": "sk-wrong-" + secrets.token_hex(16), "shared": valid}


def test_no_response_and_no_log_line_ever_contains_a_key(app, fake_provider, keys, caplog):
    caplog.set_level(logging.DEBUG)
    seen: list = []

    admin = sign_up(app, seen, "Admin", "admin@example.com")  # the first account is the admin
    admin.post("/admin/providers/seed", htmx=True)
    openai = provider_id(admin.get("/admin").text, "OpenAI")
    form = {"name": "OpenAI", "api_style": "openai", "base_urls": fake_provider.url + "/v1", "requires_auth": "y",
            "auth_header": "Authorization: Bearer {key}", "default_model": "fake-echo", "enabled": "y"}
    admin.post(f"/admin/providers/{openai}", data=form, htmx=True)
    admin.post(f"/admin/providers/{openai}/shared-key", data={"api_key": keys["shared"]}, htmx=True)
    admin.post(f"/admin/providers/{openai}/shared-key", data={"api_key": keys["shared"] + " x"}, htmx=True)  # 422
    admin.get(f"/admin/providers/{openai}")
    admin.post(f"/admin/providers/{openai}/test", htmx=True)
    admin.post(f"/admin/providers/{openai}/models", htmx=True)
    admin.get("/admin")
    admin.get("/admin/users")

    user = sign_up(app, seen, "User", "user@example.com")
    user.get("/settings")
    field = f"p{openai}-api_key"
    user.post(f"/settings/providers/{openai}/key", data={field: keys["wrong"]}, htmx=True)
    wrong = user.post(f"/settings/providers/{openai}/test", htmx=True)
    assert "rejected the API key" in wrong.text  # the fake answered 401
    user.post(f"/settings/providers/{openai}/key", data={field: keys["valid"]})  # without htmx: a full page
    ok = user.post(f"/settings/providers/{openai}/test", htmx=True)
    assert "Connected" in ok.text
    user.post(f"/settings/providers/{openai}/key", data={field: keys["valid"] + "\n"}, htmx=True)
    user.post(f"/settings/providers/{openai}/key", data={field: keys["valid"] * 100}, htmx=True)  # 422
    user.get("/settings")
    user.get("/settings", htmx=True)
    user.get("/admin")  # 404
    user.get("/no/such/page")
    user.post("/settings/connections/999999/delete", htmx=True)

    assert row(app, Provider, openai).models  # the refresh really ran
    sent = {r.headers.get("authorization") for r in fake_provider.requests}
    assert f"Bearer {keys['valid']}" in sent and f"Bearer {keys['wrong']}" in sent  # the keys were really used
    assert len(seen) > 25

    needles = [k for key in keys.values() for k in (key, key[3:-4])]
    for what, headers, body in seen:
        for needle in needles:
            assert needle not in body, what
            assert all(needle not in value for _, value in headers), what
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert logged and "api key saved" in logged
    for needle in needles:
        assert needle not in logged
