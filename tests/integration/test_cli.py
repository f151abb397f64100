"""`flask create-admin` and `flask upgrade-db`."""

from pen.extensions import db
from pen.models import User
from pen.security.passwords import verify_password


def admin(app, email):
    with app.app_context():
        return db.session.scalars(db.select(User).where(User.email == email)).one()


def test_create_admin_reads_the_password_from_stdin(runner, app):
    result = runner.invoke(args=["create-admin", "--email", "Root@Example.com", "--name", "Root", "--password-stdin"], input="long-enough-pw\n")
    assert result.exit_code == 0, result.output
    assert "Created admin root@example.com" in result.output
    user = admin(app, "root@example.com")
    with app.app_context():
        assert user.is_admin and verify_password(user.password, "long-enough-pw")[0]


def test_create_admin_prompts_for_the_password_twice(runner, app):
    result = runner.invoke(args=["create-admin", "--email", "p@example.com", "--name", "P"], input="long-enough-pw\nlong-enough-pw\n")
    assert result.exit_code == 0, result.output
    assert admin(app, "p@example.com").is_admin


def test_create_admin_is_idempotent_and_promotes_an_existing_user(runner, app, make_user):
    make_user(email="existing@example.com")
    for _ in range(2):
        result = runner.invoke(args=["create-admin", "--email", "existing@example.com", "--name", "E", "--password-stdin"], input="irrelevant-pw\n")
        assert result.exit_code == 0 and "now an admin" in result.output
    assert admin(app, "existing@example.com").is_admin


def test_create_admin_refuses_a_short_password(runner, app):
    result = runner.invoke(args=["create-admin", "--email", "s@example.com", "--name", "S", "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "8 to" in result.output


def test_signup_after_create_admin_is_not_admin(runner, app, client):
    runner.invoke(args=["create-admin", "--email", "boss@example.com", "--name", "Boss", "--password-stdin"], input="long-enough-pw\n")
    data = {"name": "Next", "email": "next@example.com", "password": "long-enough-pw", "confirm": "long-enough-pw"}
    assert client.post("/signup", data=data).status_code == 303
    assert not admin(app, "next@example.com").is_admin


def test_upgrade_db_is_idempotent(runner):
    for _ in range(2):
        result = runner.invoke(args=["upgrade-db"])
        assert result.exit_code == 0, result.output


def test_unreachable_database_is_one_line_naming_database_url(tmp_path):
    from config import TestConfig
    from pen import create_app

    url = "postgresql://postgres:hunter2@127.0.0.1:1/nowhere"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url})
    result = app.test_cli_runner().invoke(args=["upgrade-db"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL=postgresql+psycopg://postgres:***@127.0.0.1:1/nowhere" in lines[0]
    assert "hunter2" not in result.output and "Traceback" not in result.output


def test_upgrade_db_closes_replies_a_stopped_server_left_streaming(runner, app, make_user):
    from pen.models import Chat, Message
    from pen.orm import utcnow

    user_id = make_user()
    with app.app_context():
        chat = Chat(user_id=user_id, name="c")
        db.session.add(chat)
        db.session.flush()
        stale = Message(chat_id=chat.id, role="assistant", content="half", provider="P", status="streaming",
                        updated_at=utcnow().replace(year=2020))
        live = Message(chat_id=chat.id, role="assistant", content="live", provider="P", status="streaming",
                       updated_at=utcnow())
        db.session.add_all([stale, live])
        db.session.commit()
        stale_id, live_id = stale.id, live.id
    result = runner.invoke(args=["upgrade-db"])
    assert result.exit_code == 0 and "Marked 1 interrupted reply as stopped." in result.output
    with app.app_context():
        assert db.session.get(Message, stale_id).status == "stopped"
        assert db.session.get(Message, stale_id).content == "half"
        assert db.session.get(Message, live_id).status == "streaming"  # a fresh heartbeat: another server's
