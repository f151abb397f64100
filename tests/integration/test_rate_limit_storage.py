"""Rate limits shared through Redis (RATELIMIT_STORAGE_URI), for several processes or servers."""

import secrets
import socket

import pytest

from config import TestConfig
from pen import create_app
from pen.schema import upgrade_schema
from tests.conftest import PenClient


def redis_is_running() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")
def test_sign_in_limits_are_shared_through_redis(tmp_path):
    """Two apps (two processes, in production) share one budget of attempts."""
    overrides = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                 "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379", "RATELIMIT_KEY_PREFIX": secrets.token_hex(6),
                 "PEN_SIGNIN_LIMIT_PER_IP": "3 per minute"}
    first, second = create_app(TestConfig, overrides), create_app(TestConfig, overrides)
    with first.app_context():
        upgrade_schema()
    statuses = []
    for app in (first, second, first, second):
        app.test_client_class = PenClient
        response = app.test_client().post("/signin", data={"email": "a@example.com", "password": "wrong-password"},
                                          environ_base={"REMOTE_ADDR": "10.7.7.7"})
        statuses.append(response.status_code)
    assert statuses == [422, 422, 422, 429]
