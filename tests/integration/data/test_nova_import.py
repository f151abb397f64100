"""`flask import-nova`: a real Nova database (built by Django, SQLite and PostgreSQL) into Pen."""

import os

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, func, select, text

from pen.extensions import db
from pen.models import Chat, Connection, Message, User
from pen.security.passwords import hash_format
from pen.security.secrets import looks_encrypted, reveal
from tests.databases import configured_backends, create_database, drop_database
from tests.integration.data.conftest import build_nova, is_postgresql

NOVA_KEY = Fernet.generate_key().decode()
OLD_KEY = Fernet.generate_key().decode()


def nova_spec() -> dict:
    return {"fernet_key": NOVA_KEY, "users": [
        {"username": "ana", "email": "Ana@Example.COM", "password": "nova-pass-1", "first_name": "Ana", "last_name": "Lima",
         "date_joined": "2024-05-01T10:00:00+00:00",
         "chats": [  # saved out of order: Pen follows created_at, not id
             {"message": "Second question", "response": "Second answer", "created_at": "2024-05-02T11:00:00.250000+00:00"},
             {"message": "First question", "response": "First **answer**", "created_at": "2024-05-02T10:00:00.123456+00:00"},
             {"message": "Third question", "response": "Third answer", "created_at": "2024-05-03T09:30:00+00:00"}],
         "api_key": {"key": "gsk_AnaNovaGroqKey0123456789", "selected_model": "llama-3.1-8b-instant"}},
        {"username": "ben", "email": "ben@example.com", "password": "ben-nova-pass", "first_name": "Ben",
         "chats": [{"message": "Hello Nova", "response": "Hello Ben", "created_at": "2024-06-01T08:00:00+00:00"}],
         "api_key": {"key": "gsk_BenNovaGroqKey9876543210", "selected_model": "llama-3.3-70b-versatile"}},
        {"username": "carol", "email": "carol@example.com", "password": "carol-nova-pass",
         "chats": [{"message": "Are you there?", "response": "", "created_at": "2024-06-02T08:00:00+00:00"}],
         "api_key": {"key": "gsk_CarolSavedUnderAnOldKey", "selected_model": "gemma2-9b-it", "fernet_key": OLD_KEY}},
        {"username": "dan", "email": "", "password": "dan-nova-pass",
         "chats": [{"message": "No email here", "response": "Fine", "created_at": "2024-06-03T08:00:00+00:00"}]},
        {"username": "eve", "email": "eve@example.com", "password": None, "is_active": False},
    ]}


SECRETS = ("nova-pass-1", "gsk_AnaNovaGroqKey0123456789", "gsk_BenNovaGroqKey9876543210", "gsk_CarolSavedUnderAnOldKey",
           NOVA_KEY, OLD_KEY)
NOVA_SOURCES = ["sqlite"] + [spec for spec in configured_backends() if is_postgresql(spec)]


@pytest.fixture(scope="session", params=NOVA_SOURCES, ids=lambda spec: "nova-" + ("sqlite" if spec == "sqlite" else "postgresql"))
def nova_url(request, tmp_path_factory):
    url = create_database(request.param, tmp_path_factory.mktemp("nova"), label="nova")
    if request.param == "sqlite":
        url = url.set(database=str(tmp_path_factory.mktemp("nova-db") / "db.sqlite3"))
    rendered = url.render_as_string(hide_password=False)
    build_nova(rendered, nova_spec())
    yield rendered
    drop_database(request.param, url)


@pytest.fixture
def nova_sqlite_url(tmp_path):
    """A Nova database of its own, for tests that change it."""
    url = f"sqlite:///{tmp_path / 'nova.sqlite3'}"
    build_nova(url, nova_spec())
    return url


def import_nova(runner, url: str, *extra: str):
    return runner.invoke(args=["import-nova", "--database-url", url, *extra])


def user_by_email(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def nova_chat(user_id: int) -> tuple[Chat, list[Message]]:
    chat = db.session.scalars(select(Chat).where(Chat.user_id == user_id)).one()
    return chat, db.session.scalars(select(Message).where(Message.chat_id == chat.id).order_by(Message.id)).all()


def test_nova_users_chats_and_keys_come_across(app, runner, make_user, nova_url):
    make_user(name="Ben Pen", email="ben@example.com", password="ben-pen-password")
    result = import_nova(runner, nova_url, "--fernet-key", NOVA_KEY)
    assert result.exit_code == 0, result.output
    assert "users: 3 created, 1 matched by email" in result.output
    assert "users skipped (no usable email address): 1 (dan)" in result.output
    assert "users who need a new password (Nova's hash is unusable or not supported): 1 (eve@example.com)" in result.output
    assert "chats: 3 created, 0 extended; messages: 10 imported" in result.output
    assert "keys: 2 imported, 0 kept" in result.output
    assert "keys that could not be read with the given Fernet key: 1 (carol)" in result.output
    assert not any(secret in result.output for secret in SECRETS)
    with app.app_context():
        ana = user_by_email("ana@example.com")
        assert ana.name == "Ana Lima" and ana.password.startswith("pbkdf2_sha256$") and ana.system_flag == "PEN"
        assert (ana.default_provider, ana.default_model) == ("Groq", "llama-3.1-8b-instant")
        chat, messages = nova_chat(ana.id)
        assert (chat.name, chat.provider, chat.model) == ("Imported from Nova", "Groq", "llama-3.1-8b-instant")
        assert [(m.role, m.content) for m in messages] == [
            ("user", "First question"), ("assistant", "First **answer**"), ("user", "Second question"),
            ("assistant", "Second answer"), ("user", "Third question"), ("assistant", "Third answer")]
        assert [m.parent_id for m in messages] == [None] + [m.id for m in messages[:-1]]
        assert all(m.active and m.status == "complete" and m.provider == "Groq" for m in messages)
        assert messages[0].timestamp.isoformat() == "2024-05-02T10:00:00.123000"
        key = db.session.scalars(select(Connection).where(Connection.user_id == ana.id)).one()
        assert key.api_provider == "Groq" and key.selected_model == "llama-3.1-8b-instant"
        assert looks_encrypted(key.api_key) and reveal(key.api_key) == "gsk_AnaNovaGroqKey0123456789"
        ben = user_by_email("ben@example.com")
        assert ben.name == "Ben Pen" and hash_format(ben.password) == "argon2id"  # matched, not overwritten
        assert [m.content for m in nova_chat(ben.id)[1]] == ["Hello Nova", "Hello Ben"]
        carol = user_by_email("carol@example.com")
        _, carol_messages = nova_chat(carol.id)
        assert (carol_messages[1].status, carol_messages[1].error) == ("error", "Nova saved no reply for this message.")
        assert db.session.scalar(select(func.count()).select_from(Connection).where(Connection.user_id == carol.id)) == 0
        eve = user_by_email("eve@example.com")
        assert not eve.is_active_account and hash_format(eve.password) == "argon2id"


def test_a_nova_user_signs_in_with_their_nova_password_which_is_then_upgraded(app, runner, client, nova_url):
    assert import_nova(runner, nova_url).exit_code == 0
    assert client.post("/signin", data={"email": "ana@example.com", "password": "wrong"}).status_code == 422
    assert client.post("/signin", data={"email": "ana@example.com", "password": "nova-pass-1"}).status_code == 303
    with app.app_context():
        assert hash_format(user_by_email("ana@example.com").password) == "argon2id"


def test_a_second_run_imports_nothing_new(app, runner, nova_url):
    first = import_nova(runner, nova_url, "--fernet-key", NOVA_KEY)
    assert first.exit_code == 0
    with app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (User, Chat, Message, Connection)]
    second = import_nova(runner, nova_url, "--fernet-key", NOVA_KEY)
    assert second.exit_code == 0, second.output
    assert "users: 0 created, 4 matched by email" in second.output
    assert "chats: 0 created, 0 extended; messages: 0 imported" in second.output
    assert "keys: 0 imported, 2 kept" in second.output
    with app.app_context():
        assert counts == [db.session.scalar(select(func.count()).select_from(model)) for model in (User, Chat, Message, Connection)]


def test_rows_added_in_nova_later_are_appended_to_the_imported_chat(app, runner, nova_sqlite_url):
    assert import_nova(runner, nova_sqlite_url).exit_code == 0
    engine = create_engine(nova_sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO chatbot_chat (user_id, message, response, created_at) "
                                "VALUES (1, 'Fourth question', 'Fourth answer', '2024-07-01 12:00:00.000000')"))
    engine.dispose()
    result = import_nova(runner, nova_sqlite_url)
    assert "chats: 0 created, 1 extended; messages: 2 imported" in result.output
    with app.app_context():
        _, messages = nova_chat(user_by_email("ana@example.com").id)
        assert [m.content for m in messages][-3:] == ["Third answer", "Fourth question", "Fourth answer"]
        assert messages[-2].parent_id == messages[-3].id


def test_without_the_fernet_key_everything_but_the_keys_is_imported(app, runner, nova_url):
    result = import_nova(runner, nova_url)
    assert result.exit_code == 0
    assert "keys not imported: 3 (give --fernet-key to import them)" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Connection)) == 0
        assert db.session.scalar(select(func.count()).select_from(Chat)) == 3


def test_a_wrong_fernet_key_imports_everything_else_and_names_the_unreadable_keys(app, runner, nova_url):
    wrong = Fernet.generate_key().decode()
    result = import_nova(runner, nova_url, "--fernet-key", wrong)
    assert result.exit_code == 0
    assert "keys that could not be read with the given Fernet key: 3 (ana, ben, carol)" in result.output
    assert wrong not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 4
        assert db.session.scalar(select(func.count()).select_from(Message)) == 10


def test_the_fernet_key_can_come_from_the_environment(app, runner, nova_url, monkeypatch):
    monkeypatch.setitem(os.environ, "NOVA_FERNET_KEY", NOVA_KEY)
    assert "keys: 2 imported" in import_nova(runner, nova_url).output


def test_a_database_that_is_not_novas_is_refused_and_nothing_is_written(app, runner, tmp_path):
    other = tmp_path / "other.sqlite3"
    engine = create_engine(f"sqlite:///{other}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE auth_user (id INTEGER PRIMARY KEY, username TEXT)"))
    engine.dispose()
    result = import_nova(runner, f"sqlite:///{other}")
    assert result.exit_code == 1
    assert "Error: not a Nova database: no chatbot_chat table (found: auth_user)" in result.output
    engine = create_engine(f"sqlite:///{other}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE chatbot_chat (id INTEGER PRIMARY KEY, user_id INTEGER)"))
    engine.dispose()
    result = import_nova(runner, f"sqlite:///{other}")
    assert "not a Nova database: auth_user has no column date_joined, email, is_active, password" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(("url", "message"), [
    ("sqlite:////nonexistent/dir/nova.sqlite3", "no SQLite database file at /nonexistent/dir/nova.sqlite3"),
    ("postgresql://nova:s3cret-pw@127.0.0.1:1/nova", "cannot reach the Nova database at postgresql+psycopg://nova:***@127.0.0.1:1/nova"),
    ("this is not a url", "--database-url is not a database URL"),
])
def test_a_wrong_database_url_is_one_clear_line(app, runner, url, message):
    result = import_nova(runner, url)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert "s3cret-pw" not in result.output and "Traceback" not in result.output


def test_a_malformed_fernet_key_is_refused_before_anything_is_read(app, runner, nova_sqlite_url):
    result = import_nova(runner, nova_sqlite_url, "--fernet-key", "not-a-fernet-key")
    assert result.exit_code == 1 and "--fernet-key is not a Fernet key" in result.output
    assert "not-a-fernet-key" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
