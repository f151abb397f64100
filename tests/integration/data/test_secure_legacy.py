"""`flask secure-legacy`: plain-text passwords hashed, plain-text keys encrypted; idempotent; dry run."""

import pytest
from sqlalchemy import select

from pen.connections import resolve_key
from pen.extensions import db
from pen.models import Connection, Provider, User
from pen.security.passwords import hash_format, verify_password
from pen.security.secrets import looks_encrypted, reveal
from tests.conftest import PenClient

PASSWORDS = {4: "kyoto-in-april", 5: "Aidan's pass 2024", 6: "café-au-lait", 456: "password123", 458: "user1-secret",
             460: "old-pen-ai-pass"}
KEYS = {1: "sk-proj-EthanPlainTextKey0123456789abcdefABCDEF", 2: "sk-ant-api03-EthanAnthropicPlainKey-9876543210zyxw",
        3: "gsk_AidanGroqPlainKey1234567890abcdefghij", 7: "sk-test-0000000000000000", 9: "sk-proj-PenTesterPlainKey-111122223333"}


@pytest.fixture
def adopted(wingman_db):
    assert wingman_db.cli("upgrade-db").exit_code == 0
    return wingman_db


def stored(adopted) -> tuple[dict, dict]:
    with adopted.app.app_context():
        passwords = dict(db.session.execute(select(User.id, User.password)).all())
        keys = dict(db.session.execute(select(Connection.id, Connection.api_key)).all())
    return passwords, keys


def assert_no_secret_in(output: str) -> None:
    for secret in [*PASSWORDS.values(), *KEYS.values()]:
        assert secret not in output


def test_dry_run_prints_counts_per_table_and_changes_nothing(adopted):
    before = adopted.snapshot()
    result = adopted.cli("secure-legacy", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "users: 1 password would be hashed, 0 already hashed, 5 left in plain text" in result.output
    assert "ai_connections: 1 key would be encrypted, 0 already encrypted, 4 left in plain text" in result.output
    assert "Dry run: nothing was written." in result.output
    assert adopted.snapshot() == before
    assert_no_secret_in(result.output)


def test_pen_rows_only_by_default_and_a_second_run_changes_nothing(adopted):
    first = adopted.cli("secure-legacy")
    assert first.exit_code == 0, first.output
    assert "users: 1 password hashed" in first.output and "ai_connections: 1 key encrypted" in first.output
    passwords, keys = stored(adopted)
    assert hash_format(passwords[460]) == "argon2id" and looks_encrypted(keys[9])
    assert {i: p for i, p in passwords.items() if i != 460} == {i: p for i, p in PASSWORDS.items() if i != 460}
    assert {i: k for i, k in keys.items() if i != 9} == {i: k for i, k in KEYS.items() if i != 9}
    with adopted.app.app_context():
        assert verify_password(passwords[460], PASSWORDS[460])[0] and reveal(keys[9]) == KEYS[9]
    before = adopted.snapshot()
    second = adopted.cli("secure-legacy")
    assert "users: 0 passwords hashed, 1 already hashed" in second.output
    assert "ai_connections: 0 keys encrypted, 1 already encrypted" in second.output
    assert adopted.snapshot() == before
    assert_no_secret_in(first.output + second.output)


def test_all_systems_secures_every_row_and_everyone_still_signs_in_and_their_keys_still_work(adopted):
    result = adopted.cli("secure-legacy", "--all-systems")
    assert "users: 6 passwords hashed" in result.output and "ai_connections: 5 keys encrypted" in result.output
    assert_no_secret_in(result.output)
    passwords, keys = stored(adopted)
    assert all(hash_format(p) == "argon2id" for p in passwords.values())
    assert all(looks_encrypted(k) for k in keys.values())
    adopted.app.test_client_class = PenClient
    for user_id, email in ((4, "me@ethanhuang.com"), (6, "caroline.ye@me.com")):
        response = adopted.app.test_client().post("/signin", data={"email": email, "password": PASSWORDS[user_id]})
        assert response.status_code == 303
    with adopted.app.app_context():
        ethan = db.session.get(User, 4)
        openai = db.session.scalars(select(Provider).where(Provider.name == "OpenAI")).one()
        assert resolve_key(ethan, openai) == KEYS[1]
    again = adopted.cli("secure-legacy", "--all-systems")
    assert "users: 0 passwords hashed, 6 already hashed" in again.output
    assert "ai_connections: 0 keys encrypted, 5 already encrypted" in again.output


def test_known_hash_formats_are_not_hashed_again(adopted):
    import bcrypt
    from werkzeug.security import generate_password_hash

    formats = {
        5: bcrypt.hashpw(b"pw-bcrypt", bcrypt.gensalt(rounds=4)).decode(),
        6: generate_password_hash("pw-werkzeug", method="pbkdf2:sha256:1000"),
        456: "pbkdf2_sha256$1000$c2FsdHNhbHQ$" + "A" * 43 + "=",
    }
    with adopted.app.app_context():
        for user_id, value in formats.items():
            db.session.get(User, user_id).password = value
        db.session.commit()
    result = adopted.cli("secure-legacy", "--all-systems")
    assert "users: 3 passwords hashed, 3 already hashed" in result.output
    passwords, _ = stored(adopted)
    assert {i: passwords[i] for i in formats} == formats


def test_refuses_to_run_before_the_database_is_upgraded(wingman_db):
    before = wingman_db.snapshot()
    result = wingman_db.cli("secure-legacy", "--all-systems")
    assert result.exit_code == 1 and "run `flask upgrade-db` first" in result.output
    assert wingman_db.snapshot() == before
