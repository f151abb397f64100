"""Adopting a Pen AI / Wingman database created by Prisma (MariaDB for real; SQLite/PostgreSQL equivalents)."""

from sqlalchemy import inspect, select, text

from config import TestConfig
from pen import create_app
from pen.connections import resolve_key
from pen.extensions import db
from pen.models import Chat, Message, Prompt, Provider, User
from tests.conftest import PenClient

HEAD = "0002_pen_additions"


def revision(fresh_db) -> str | None:
    with fresh_db.app.app_context():
        if "alembic_version" not in inspect(db.engine).get_table_names():
            return None
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def test_upgrade_db_adopts_a_wingman_database_and_changes_no_row(wingman_db):
    before = wingman_db.snapshot()
    result = wingman_db.cli("upgrade-db")
    assert result.exit_code == 0, result.output
    assert "Adopted the Pen AI / Wingman database" in result.output
    assert revision(wingman_db) == HEAD
    assert wingman_db.snapshot() == before  # every seed column of every row, and _prisma_migrations


def test_adopt_reports_what_it_kept_and_a_second_run_is_a_no_op(wingman_db):
    before = wingman_db.snapshot()
    first = wingman_db.cli("adopt")
    assert first.exit_code == 0, first.output
    assert "users 6, ai_connections 5, prompts 4, chats 4, chat_messages 9, ai_providers 4" in first.output
    assert "_prisma_migrations is left alone" in first.output
    assert f"Stamped 0001_seed_schema and upgraded to {HEAD}" in first.output
    second = wingman_db.cli("adopt")
    assert second.exit_code == 0 and "Nothing to do" in second.output
    assert wingman_db.cli("upgrade-db").exit_code == 0
    assert wingman_db.snapshot() == before and revision(wingman_db) == HEAD


def test_adopted_columns_get_pens_defaults_on_existing_rows(wingman_db):
    assert wingman_db.cli("adopt").exit_code == 0
    with wingman_db.app.app_context():
        ethan = db.session.get(User, 4)
        assert (ethan.is_admin, ethan.is_active_account, ethan.system_flag) == (False, True, "WINGMAN")
        messages = db.session.scalars(select(Message).where(Message.chat_id == 10).order_by(Message.id)).all()
        assert [(m.status, m.active, m.parent_id) for m in messages] == [("complete", True, None)] * 4
        openai = db.session.scalars(select(Provider).where(Provider.name == "OpenAI")).one()
        assert openai.base_urls == ["https://api.openai.com/v1"] and openai.enabled and openai.api_style == "openai"


def test_adopt_dry_run_writes_nothing(wingman_db):
    before = wingman_db.snapshot()
    result = wingman_db.cli("adopt", "--dry-run")
    assert result.exit_code == 0 and "Dry run" in result.output
    assert revision(wingman_db) is None and wingman_db.snapshot() == before


def test_after_adoption_a_wingman_user_signs_in_with_their_old_password_and_finds_their_data(wingman_db):
    assert wingman_db.cli("upgrade-db").exit_code == 0
    app = wingman_db.app
    app.test_client_class = PenClient
    client = app.test_client()
    response = client.post("/signin", data={"email": "me@ethanhuang.com", "password": "kyoto-in-april"})
    assert response.status_code == 303, response.status_code
    assert client.post("/signin", data={"email": "aidan@ethanhuang.com", "password": "Aidan's pass 2024"}).status_code == 303
    with app.app_context():
        ethan = db.session.get(User, 4)
        assert ethan.password == "kyoto-in-april"  # a Wingman row: Wingman still reads it (see secure-legacy)
        openai = db.session.scalars(select(Provider).where(Provider.name == "OpenAI")).one()
        anthropic = db.session.scalars(select(Provider).where(Provider.name == "Anthropic")).one()
        assert resolve_key(ethan, openai) == "sk-proj-EthanPlainTextKey0123456789abcdefABCDEF"
        assert resolve_key(ethan, anthropic) == "sk-ant-api03-EthanAnthropicPlainKey-9876543210zyxw"
        chats = db.session.scalars(select(Chat).where(Chat.user_id == 4).order_by(Chat.id)).all()
        assert [c.name for c in chats] == ["Trip to Kyoto", "SQL help"]
        kyoto = db.session.scalars(select(Message.content).where(Message.chat_id == 10).order_by(Message.id)).all()
        assert kyoto[0].startswith("Plan three days in Kyoto") and "錦市場" in kyoto[1] and "arigatō" in kyoto[3]
        prompts = db.session.scalars(select(Prompt.prompt_name).where(Prompt.user_id == 4).order_by(Prompt.id)).all()
        assert prompts == ["Translate to Japanese", "Code reviewer"]
    if "chat.view_chat" in app.view_functions:
        page = client.get("/c/10").get_data(as_text=True)
        assert "Fushimi Inari" in page and "Nishiki" in page
        assert client.get("/c/12").status_code == 404  # Caroline's chat
    exported = client.get("/c/10/export.md").get_data(as_text=True)
    assert "# Trip to Kyoto" in exported and "Fushimi Inari" in exported


def test_a_database_that_only_partly_matches_is_refused_with_the_differences_and_left_unchanged(fresh_db):
    fresh_db.load_wingman()
    with fresh_db.app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE prompts"))
            connection.execute(text("ALTER TABLE chats ADD COLUMN archived INTEGER"))
        quote = db.engine.dialect.identifier_preparer.quote
        before = {t: db.session.execute(text(f"SELECT COUNT(*) FROM {quote(t)}")).scalar() for t in ("users", "chats")}  # noqa: S608
    for command in ("upgrade-db", "adopt"):
        result = fresh_db.cli(command)
        assert result.exit_code == 1, result.output
        assert "do not match the seed schema; nothing was changed" in result.output
        assert "table prompts: missing" in result.output
        assert "chats.archived: not in the seed schema" in result.output
        assert "Traceback" not in result.output
    with fresh_db.app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert "alembic_version" not in tables and "pen_settings" not in tables
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert "is_admin" not in columns
        quote = db.engine.dialect.identifier_preparer.quote
        assert before == {t: db.session.execute(text(f"SELECT COUNT(*) FROM {quote(t)}")).scalar() for t in ("users", "chats")}  # noqa: S608


def test_a_missing_column_and_a_changed_nullability_are_listed(fresh_db):
    fresh_db.load_wingman(rows=False)
    with fresh_db.app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP TABLE chat_messages"))
        connection.execute(text("CREATE TABLE chat_messages (id INTEGER NOT NULL PRIMARY KEY, chat_id INTEGER NOT NULL, "
                                "content TEXT, role VARCHAR(50) NOT NULL, provider VARCHAR(100) NOT NULL, "
                                "created_at TIMESTAMP NULL)"))
    result = fresh_db.cli("adopt")
    assert result.exit_code == 1
    assert "chat_messages.content: NULL, the seed schema has NOT NULL" in result.output
    assert "chat_messages.timestamp: missing" in result.output
    assert "chat_messages.created_at: NULL, the seed schema has NOT NULL" in result.output


def test_adopt_on_an_empty_database_says_there_is_nothing_to_adopt(fresh_db):
    result = fresh_db.cli("adopt")
    assert result.exit_code == 1 and "nothing to adopt" in result.output
    assert revision(fresh_db) is None


def test_adopt_on_an_unreachable_database_is_one_line_without_the_password():
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": "postgresql://postgres:hunter2@127.0.0.1:1/nowhere"})
    result = app.test_cli_runner().invoke(args=["adopt"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "DATABASE_URL=" in result.output
    assert "hunter2" not in result.output
