"""Migrations from an empty database, `flask db check`, downgrade and upgrade again, on every backend."""

import pytest
from sqlalchemy import inspect

from config import TestConfig
from pen import create_app
from pen.extensions import db
from pen.schema import downgrade_schema, upgrade_schema
from tests.databases import backend_id, configured_backends, create_database, drop_database

SEED_COLUMNS = {
    "users": {"id", "name", "email", "password", "profileImage", "createdAt", "system_flag"},
    "ai_connections": {"id", "user_id", "apiKey", "apiProvider", "createdAt", "updatedAt"},
    "prompts": {"id", "user_id", "prompt_name", "prompt_text", "created_datetime", "updated_datetime", "system_flag"},
    "chats": {"id", "user_id", "name", "timestamp", "created_at", "updated_at"},
    "chat_messages": {"id", "chat_id", "content", "role", "provider", "timestamp", "created_at"},
    "ai_providers": {"id", "name", "base_urls", "default_model", "requires_auth", "auth_header", "created_at", "updated_at"},
}


@pytest.fixture(params=configured_backends(), ids=backend_id)
def empty_database(request, tmp_path):
    url = create_database(request.param, tmp_path, label="mig")
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False)})
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_database(request.param, url)


def test_upgrade_from_empty_then_no_drift_then_down_and_up_again(empty_database):
    app = empty_database
    runner = app.test_cli_runner()
    assert runner.invoke(args=["upgrade-db"]).exit_code == 0
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
    with app.app_context():
        inspector = inspect(db.engine)
        for table, columns in SEED_COLUMNS.items():
            assert columns <= {c["name"] for c in inspector.get_columns(table)}, table
        assert [c["name"] for c in inspector.get_unique_constraints("users")] or any(
            i["unique"] for i in inspector.get_indexes("users")
        )
        downgrade_schema("base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade_schema()
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_seed_columns_keep_their_nullability(empty_database):
    app = empty_database
    with app.app_context():
        upgrade_schema()
        inspector = inspect(db.engine)
        nullable = {c["name"]: c["nullable"] for c in inspector.get_columns("users")}
        assert nullable["profileImage"] is True and nullable["email"] is False and nullable["createdAt"] is False
        connection_columns = {c["name"]: c for c in inspector.get_columns("ai_connections")}
        assert connection_columns["updatedAt"]["nullable"] is True
        assert connection_columns["apiKey"]["type"].length >= 1024
