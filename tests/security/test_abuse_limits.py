"""Request size limits on every unsafe route, and rate limits that are per user, not global."""

import pytest

from tests.security.access import access_of
from tests.security.test_authorization_matrix import url_for_rule
from tests.security.test_csrf_and_headers import UNSAFE, client_for, principal

LIMIT = 50_000


@pytest.mark.parametrize(("endpoint", "rule", "method"), UNSAFE, ids=[f"{m} {r}" for _, r, m in UNSAFE])
def test_a_body_over_the_limit_is_refused_before_anything_reads_it(app, world, as_user, endpoint, rule, method):
    app.config.update(MAX_CONTENT_LENGTH=LIMIT, PEN_IMPORT_MAX_BYTES=LIMIT, PEN_PROMPT_IMPORT_MAX_BYTES=LIMIT)
    client = client_for(app, as_user, principal(world, access_of(endpoint)))
    url = url_for_rule(rule, endpoint, world.ids())
    response = client.open(url, method=method, data={"message": "x" * (LIMIT * 2), "file": "y" * (LIMIT * 2)})
    response.close()
    assert response.status_code == 413, response.status_code


def test_the_send_limit_is_per_user(app, world, as_user):
    app.config["PEN_SEND_LIMIT"] = "1 per minute"
    owner, other = as_user(world.owner), as_user(world.other)
    from pen.extensions import db
    from pen.models import Connection
    from pen.security.secrets import encrypt

    with app.app_context():
        db.session.add(Connection(user_id=world.other, api_provider="Fake", api_key=encrypt("sk-test-key-123")))
        db.session.commit()
    data = {"message": "hi", "model": f"{world.provider}:fake-echo"}
    assert owner.post("/chats/send", data=data, htmx=True).status_code == 200
    assert owner.post("/chats/send", data=data, htmx=True).status_code == 429
    assert other.post("/chats/send", data=data, htmx=True).status_code == 200
    from pen.chat.generation import registry

    registry(app).wait_idle(10)
