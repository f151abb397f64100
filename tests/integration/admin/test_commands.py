"""`flask seed-providers` and `flask rotate-key`."""

from cryptography.fernet import Fernet
from sqlalchemy import select

from pen.extensions import db
from pen.models import Connection, Provider
from pen.providers import CATALOG
from pen.security.secrets import decrypt, looks_encrypted
from tests.integration.admin.helpers import add_key, add_provider, rows


def test_seed_providers_prints_what_it_added_and_is_idempotent(app, runner):
    add_provider(app, "Anthropic", default_model="my-choice")
    result = runner.invoke(args=["seed-providers"])
    assert result.exit_code == 0, result.output
    assert f"Added {len(CATALOG) - 1} provider(s): OpenAI, Google Gemini" in result.output
    assert "Anthropic" not in result.output
    again = runner.invoke(args=["seed-providers"])
    assert again.exit_code == 0 and "nothing was added" in again.output
    assert len(rows(app, select(Provider))) == len(CATALOG)
    [anthropic] = rows(app, select(Provider).where(Provider.name == "Anthropic"))
    assert anthropic.default_model == "my-choice"


def rotate_setup(app, make_user):
    user_id = make_user()
    old = app.config["PEN_ENCRYPTION_KEY"]
    for name in ("OpenAI", "Groq", "Mistral"):
        add_key(app, user_id, name, f"sk-{name.lower()}-secret-0001")
    legacy = add_key(app, user_id, "xAI", "xai-plain-from-wingman", encrypted=False)
    new = Fernet.generate_key().decode()
    app.config["PEN_ENCRYPTION_KEY"] = f"{new},{old}"
    return user_id, legacy, old, new


def test_rotate_key_re_encrypts_every_key_under_the_newest(app, runner, make_user):
    _, legacy, old, new = rotate_setup(app, make_user)
    before = {c.id: c.api_key for c in rows(app, select(Connection))}
    result = runner.invoke(args=["rotate-key"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 3 key(s)" in result.output and "1 legacy plain-text key(s)" in result.output
    app.config["PEN_ENCRYPTION_KEY"] = new  # the old key can now be dropped
    with app.app_context():
        for connection in db.session.scalars(select(Connection)):
            if connection.id == legacy:
                assert connection.api_key == "xai-plain-from-wingman"
                continue
            assert connection.api_key != before[connection.id] and looks_encrypted(connection.api_key)
            assert decrypt(connection.api_key) == f"sk-{connection.api_provider.lower()}-secret-0001"


def test_rotate_key_changes_nothing_when_a_key_is_unreadable(app, runner, make_user):
    user_id, _, old, new = rotate_setup(app, make_user)
    app.config["PEN_ENCRYPTION_KEY"] = f"{new},{Fernet.generate_key().decode()}"
    add_key(app, user_id, "Together", "sk-under-the-new-key")
    before = {c.id: c.api_key for c in rows(app, select(Connection))}
    result = runner.invoke(args=["rotate-key"])
    assert result.exit_code == 1 and "3 stored key(s) cannot be decrypted" in result.output
    assert "Nothing was changed" in result.output
    assert {c.id: c.api_key for c in rows(app, select(Connection))} == before
    skipped = runner.invoke(args=["rotate-key", "--skip-unreadable"])
    assert skipped.exit_code == 0 and "Re-encrypted 1 key(s)" in skipped.output
    assert "3 unreadable key(s) were left as they are" in skipped.output
