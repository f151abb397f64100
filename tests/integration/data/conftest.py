"""Fixtures for moving data in and out: seed (Wingman) databases, Nova databases, uploads."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from config import TestConfig
from pen import create_app
from pen.extensions import db
from tests.databases import backend_id, configured_backends, create_database, drop_database
from tests.fixtures import wingman

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"


class FreshDatabase:
    """A new, empty database on one backend with a Pen app pointed at it."""

    def __init__(self, spec: str, url, app):
        self.spec, self.url, self.app = spec, url, app
        self.runner = app.test_cli_runner()

    @property
    def backend(self) -> str:
        return backend_id(self.spec)

    def load_wingman(self, *, rows: bool = True) -> None:
        with self.app.app_context():
            wingman.load(db.engine, rows=rows)

    def snapshot(self) -> dict:
        with self.app.app_context():
            return wingman.snapshot(db.engine)

    def cli(self, *args: str, input: str | None = None):
        return self.runner.invoke(args=list(args), input=input)


@pytest.fixture(params=configured_backends(), ids=backend_id)
def fresh_db(request, tmp_path):
    url = create_database(request.param, tmp_path, label="adopt")
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False)})
    app.instance_path = str(tmp_path / "instance")
    yield FreshDatabase(request.param, url, app)
    with app.app_context():
        db.engine.dispose()
    drop_database(request.param, url)


@pytest.fixture
def wingman_db(fresh_db) -> FreshDatabase:
    """The seed schema as Prisma created it, with the sample rows; not yet adopted."""
    fresh_db.load_wingman()
    return fresh_db


def build_nova(url: str, spec: dict) -> None:
    """Run Django (in a subprocess) to create and fill a Nova database at `url`."""
    result = subprocess.run([sys.executable, "-m", "tests.fixtures.nova_django", url], input=json.dumps(spec),
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]


def upload(client, content: bytes | str, filename: str = "export.json", **kwargs):
    """POST a file to the import form, as the browser's form would (CSRF token in the body)."""
    data = content.encode() if isinstance(content, str) else content
    return client.post("/settings/data/import", data={"csrf_token": client.csrf_token(), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", csrf=False, **kwargs)


def is_postgresql(spec: str) -> bool:
    return spec != "sqlite" and make_url(spec).get_backend_name() == "postgresql"


@pytest.fixture
def make_chat(app):
    """A chat with branches like the chat page makes them: a regenerated reply (the old version
    inactive), an errored reply, token counts; returns the chat id."""
    from datetime import datetime

    from pen.models import Chat, Message

    def make(user_id: int, name: str = "Branches", *, created: datetime | None = None) -> int:
        base = created or datetime(2026, 3, 1, 9, 0, 0, 123000)
        with app.app_context():
            chat = Chat(user_id=user_id, name=name, created_at=base, timestamp=base, provider="OpenAI", model="gpt-4o",
                        system_prompt="Answer in one line.")
            db.session.add(chat)
            db.session.flush()

            def add(role, content, parent=None, *, active=True, status="complete", minute=0, **extra):
                message = Message(chat_id=chat.id, role=role, content=content, provider="OpenAI",
                                  model="gpt-4o" if role == "assistant" else None, status=status, active=active,
                                  parent_id=parent.id if parent else None,
                                  timestamp=base.replace(minute=minute), created_at=base.replace(minute=minute), **extra)
                db.session.add(message)
                db.session.flush()
                return message

            question = add("user", "What is 2 + 2?", minute=1)
            add("assistant", "Five.", question, active=False, minute=2)
            answer = add("assistant", "Four.", question, minute=3, input_tokens=12, output_tokens=2, latency_ms=310,
                         duration_ms=420, finish_reason="stop")
            follow = add("user", "And in **bold**? ünïcødé ✓", answer, minute=4)
            add("assistant", "", follow, status="error", minute=5, error="Rate limited: try again in 20 s.",
                error_kind="rate_limited")
            db.session.commit()
            return chat.id

    return make
