"""Every /admin route, generated from app.url_map (a new admin route is covered automatically):
anonymous visitors and normal users get a 404, as if the area did not exist; admins get in."""

import pytest
from flask import url_for

from pen.models import Provider, User
from tests.integration.admin.helpers import add_provider, row, user

SAFE = {"HEAD", "OPTIONS"}


def admin_requests(app, ids: dict[str, int]) -> list[tuple[str, str]]:
    """(method, url) for every admin route, destructive ones last, ids filled from `ids`."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] != "admin":
                continue
            missing = set(rule.arguments) - set(ids)
            assert not missing, f"{rule.rule}: add an id for {missing} to this test"
            url = url_for(rule.endpoint, **{arg: ids[arg] for arg in rule.arguments})
            found += [(method, url) for method in sorted(rule.methods - SAFE)]
    # Deletions last, and the deepest first (a shared key before its provider).
    return sorted(found, key=lambda item: ("delete" in item[1], -item[1].count("/"), item))


@pytest.fixture
def targets(app, make_user, admin_id):
    return {"provider_id": add_provider(app, "Target"), "user_id": make_user("Target User")}


def test_the_route_list_covers_the_admin_area(app, targets):
    urls = {url for _, url in admin_requests(app, targets)}
    assert {"/admin", "/admin/users", "/admin/providers/seed", f"/admin/users/{targets['user_id']}/delete"} <= urls
    assert len(urls) >= 18


def test_every_admin_route_is_a_404_for_anonymous_visitors(app, client, targets):
    for method, url in admin_requests(app, targets):
        for htmx in (False, True):
            response = client.open(url, method=method, htmx=htmx)
            assert response.status_code == 404, (method, url, htmx, response.status_code)
            assert "HX-Redirect" not in response.headers and "Location" not in response.headers


def test_every_admin_route_is_a_404_for_normal_users_even_without_a_csrf_token(app, client, login, make_user, targets):
    login(make_user())
    for method, url in admin_requests(app, targets):
        for csrf in (True, False):
            response = client.open(url, method=method, csrf=csrf, data={"name": "Hacked", "api_key": "sk-x"})
            assert response.status_code == 404, (method, url, csrf, response.status_code)
            assert "Not found" in response.text
    provider = row(app, Provider, targets["provider_id"])
    assert provider is not None and provider.name == "Target" and provider.enabled
    target = user(app, targets["user_id"])
    assert target is not None and not target.is_admin and target.is_active_account


def test_an_admin_reaches_every_admin_route(app, as_admin, targets):
    for method, url in admin_requests(app, targets):
        response = as_admin.open(url, method=method, htmx=True)
        assert response.status_code not in (404, 405) and response.status_code < 500, (method, url, response.status_code)
    assert row(app, User, targets["user_id"]) is None  # the sweep ended with the deletions
    assert row(app, Provider, targets["provider_id"]) is None


def test_the_sidebar_shows_admin_only_to_admins(client, login, make_user, as_admin):
    assert 'href="/admin"' in as_admin.get("/settings").text
    as_admin.post("/signout")
    login(make_user())
    page = client.get("/settings").text
    assert 'href="/settings"' in page and 'href="/admin"' not in page
