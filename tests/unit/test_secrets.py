import pytest
from cryptography.fernet import Fernet

from pen.security import secrets


def test_encrypt_round_trip_and_ciphertext_differs(bare_app):
    token = secrets.encrypt("sk-live-abc123")
    assert token != "sk-live-abc123" and "abc123" not in token
    assert secrets.decrypt(token) == "sk-live-abc123"


def test_token_of_200_character_key_fits_the_widened_column(bare_app):
    token = secrets.encrypt("k" * 200)
    assert len(token) <= 1024


def test_rotation_reencrypts_under_the_newest_key(bare_app):
    old_key = bare_app.config["PEN_ENCRYPTION_KEY"]
    token = secrets.encrypt("sk-rotate-me")
    new_key = Fernet.generate_key().decode()
    bare_app.config["PEN_ENCRYPTION_KEY"] = f"{new_key},{old_key}"
    rotated = secrets.rotate(token)
    bare_app.config["PEN_ENCRYPTION_KEY"] = new_key
    assert secrets.decrypt(rotated) == "sk-rotate-me"
    with pytest.raises(secrets.UnreadableSecret):
        secrets.decrypt(token)


def test_wrong_key_is_unreadable_not_a_crash(bare_app):
    token = secrets.encrypt("sk-abc")
    bare_app.config["PEN_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    with pytest.raises(secrets.UnreadableSecret):
        secrets.decrypt(token)


@pytest.mark.parametrize("value", ["sk-plain-key", "gAAAAA", "gAAAAAnot-base64!!", "", "AIzaSyD-legacy"])
def test_plain_text_keys_are_not_mistaken_for_tokens(bare_app, value):
    assert not secrets.looks_encrypted(value)


def test_reveal_accepts_tokens_and_legacy_plain_text(bare_app):
    assert secrets.reveal(secrets.encrypt("sk-x")) == "sk-x"
    assert secrets.reveal("sk-legacy-plain") == "sk-legacy-plain"


@pytest.mark.parametrize("value", ["", "not-a-key", "abc,def"])
def test_invalid_encryption_key_setting_is_refused(value):
    with pytest.raises(secrets.InvalidEncryptionKey):
        secrets.parse_keys(value)
