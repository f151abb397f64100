"""Every route × every role, with real ids: anonymous, another user, the owner, an admin.

The rules come from `app.url_map`, so a route added later is covered (and must be classified in
access.py, or this suite fails)."""

import io

import pytest
from PIL import Image

from config import TestConfig
from pen import create_app
from tests.security.access import QUERY, STATIC_FILE, access_of

ROLES = ("anonymous", "other", "owner", "admin")
DENIED = {401, 403, 404}


def rules():
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, rule.rule, method))
    return sorted(found)


RULES = rules()


def test_every_route_is_classified():
    unclassified = sorted({endpoint for endpoint, _, _ in RULES if access_of(endpoint) is None})
    assert unclassified == [], "classify these routes in tests/security/access.py"


def url_for_rule(rule: str, endpoint: str, ids: dict) -> str:
    path = rule.replace("<path:filename>", STATIC_FILE)
    for name, value in ids.items():
        path = path.replace(f"<int:{name}>", str(value))
    assert "<" not in path, f"no id for {rule}"
    return path + QUERY.get(endpoint, "")


def form_data(world) -> dict:
    image = io.BytesIO()
    Image.new("RGB", (8, 8)).save(image, format="PNG")
    return {
        "message": "hello", "model": f"{world.provider}:fake-echo", "chat_id": "", "name": "Renamed",
        "system_prompt": "Be brief.", "to": str(world.question), "password": "wrong-password-1",
        "current_password": "wrong-password-1", "confirm": "x", "email": "someone@example.com",
        "prompt_name": "p", "prompt_text": "t", "prompt_id": str(world.prompt), "api_key": "sk-test-key-123",
        "image": (image, "a.png"),
    }


def request(client, method: str, url: str, world, *, htmx: bool = False):
    if method == "GET":
        response = client.get(url, htmx=htmx)
    else:
        response = client.open(url, method=method, data=form_data(world), htmx=htmx,
                               content_type="multipart/form-data")
    response.get_data()  # a stream runs to its end
    response.close()
    return response


def signed_out_answer_is_right(response, access: str, htmx: bool) -> bool:
    if access == "public":
        return response.status_code not in DENIED and response.status_code < 500
    if access == "admin":
        return response.status_code == 404
    if htmx:  # signed_in, owner, self_or_admin
        return response.status_code == 401 and response.headers.get("HX-Redirect", "").startswith("/signin")
    return response.status_code in (302, 303) and response.headers["Location"].startswith("/signin")


def allowed(response, access: str) -> bool:
    """Served: not refused, no server error, and (but for public routes such as sign-out) not sent to sign-in."""
    if response.status_code in DENIED or response.status_code >= 500:
        return False
    location = response.headers.get("Location", "") + response.headers.get("HX-Redirect", "")
    return access == "public" or not location.startswith("/signin")


@pytest.mark.parametrize(("endpoint", "rule", "method"), RULES, ids=[f"{m} {r}" for _, r, m in RULES])
def test_route_answers_each_role_as_classified(app, world, as_user, endpoint, rule, method):
    access = access_of(endpoint)
    with app.app_context():
        from pen.auth.avatars import store_avatar
        from pen.extensions import db
        from pen.models import User

        user = db.session.get(User, world.other)
        image = io.BytesIO()
        Image.new("RGB", (8, 8)).save(image, format="PNG")
        user.profile_image = store_avatar(user.id, image.getvalue())
        db.session.commit()
    url = url_for_rule(rule, endpoint, world.ids())
    for htmx in (False, True):
        response = request(app.test_client(), method, url, world, htmx=htmx)
        assert signed_out_answer_is_right(response, access, htmx), (htmx, response.status_code, response.headers)
    clients = {"other": as_user(world.other), "admin": as_user(world.admin), "owner": as_user(world.owner)}
    order = ("other", "owner", "admin") if access == "admin" else ("other", "admin", "owner")  # the allowed one last
    for role in order:
        response = request(clients[role], method, url, world, htmx=True)
        expected_allowed = {
            "public": True,
            "signed_in": True,
            "owner": role == "owner",
            "admin": role == "admin",
            "self_or_admin": role in ("other", "admin"),
        }[access]
        if expected_allowed:
            assert allowed(response, access), (role, response.status_code, response.headers)
        else:
            assert response.status_code == 404, (role, response.status_code)
