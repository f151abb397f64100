"""A gunicorn worker killed with SIGKILL mid-reply: the user's message and the text checkpointed so
far survive, and the reply is shown as interrupted (never spinning forever)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from config import TestConfig
from pen import create_app
from pen.extensions import db
from pen.models import Connection, Message, Provider, User
from pen.schema import upgrade_schema
from pen.security.passwords import hash_password
from pen.security.secrets import encrypt

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.fixture
def server_db(tmp_path, fake_provider):
    url = f"sqlite:///{tmp_path / 'pen.db'}"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade_schema()
        user = User(name="K", email="k@example.com", password=hash_password("correct horse battery"))
        provider = Provider(name="Fake", base_urls=[fake_provider.url + "/v1"], default_model="fake-tokens-300?delay=0.02",
                            auth_header="Authorization: Bearer {key}", api_style="openai",
                            models=["fake-tokens-300?delay=0.02"])
        db.session.add_all([user, provider])
        db.session.flush()
        db.session.add(Connection(user_id=user.id, api_provider="Fake", api_key=encrypt("sk-test-key-123")))
        db.session.commit()
        provider_id = provider.id
    yield app, url, provider_id
    with app.app_context():
        db.engine.dispose()


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": TestConfig.SECRET_KEY,
           "PEN_ENCRYPTION_KEY": TestConfig.PEN_ENCRYPTION_KEY, "PORT": str(port), "PEN_WORKERS": "1",
           "PEN_THREADS": "8", "PEN_STREAM_STALE_SECONDS": "2", "PEN_AUTO_TITLE": "0", "PEN_ACCESS_LOG": "",
           "LOG_LEVEL": "WARNING", "PEN_ARGON2_TIME_COST": "1", "PEN_ARGON2_MEMORY_COST": "1024",
           "PEN_ARGON2_PARALLELISM": "1"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def sign_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/signin", timeout=10).text
    session.headers["X-CSRFToken"] = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)  # as htmx sends it
    response = session.post(base + "/signin", data={"email": "k@example.com", "password": "correct horse battery"},
                            allow_redirects=False, timeout=10)
    assert response.status_code == 303
    return session


def test_sigkill_mid_stream_keeps_the_message_and_marks_the_reply_interrupted(server_db):
    app, url, provider_id = server_db
    port = free_port()
    server = start_gunicorn(url, port)
    try:
        wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        session = sign_in(base)
        data = {"message": "write a long answer", "model": f"{provider_id}:fake-tokens-300?delay=0.02", "chat_id": ""}
        response = session.post(base + "/chats/send", data=data, headers={"HX-Request": "true"}, stream=True, timeout=10)
        assert response.status_code == 200
        started = time.monotonic()
        lines = response.iter_lines()
        while time.monotonic() - started < 1.6:  # long enough for a checkpoint to reach the database
            next(lines)
        for pid in worker_pids(server.pid):
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(requests.exceptions.RequestException):
            for _ in lines:
                pass
        with app.app_context():
            user_message, reply = db.session.scalars(db.select(Message).order_by(Message.id)).all()
            assert user_message.content == "write a long answer"
            assert reply.status == "streaming" and reply.content, "the checkpointed text survived the kill"
            checkpointed = reply.content
        time.sleep(2.5)  # the heartbeat is gone for longer than PEN_STREAM_STALE_SECONDS
        wait_for_port(port)
        page = session.get(f"{base}/c/{reply.chat_id}", timeout=10)
        assert page.status_code == 200 and "Interrupted" in page.text
        with app.app_context():
            reply = db.session.get(Message, reply.id)
            assert reply.status == "stopped" and reply.error_kind == "interrupted"
            assert reply.content == checkpointed and len(reply.content.split()) < 300
    finally:
        server.terminate()
        server.wait(10)
        server.stderr.close()
