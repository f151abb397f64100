"""Key masking, and keys at rest: Fernet ciphertext only, readable again with the same key."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from pen.connections import mask_key
from pen.extensions import db
from pen.models import Connection
from pen.security.secrets import decrypt, encrypt, looks_encrypted
from tests.integration.admin.helpers import add_provider


@pytest.mark.parametrize(
    ("key", "mask"),
    [
        ("sk-proj-abcdefghijklmnop1a2b", "sk-…1a2b"),
        ("sk-ant-api03-xxxxxxxxxxxxZZ99", "sk-…ZZ99"),
        ("gsk_abcdefghijklmnopWXYZ", "gsk…WXYZ"),
        ("AIzaSyABCDEFGHIJKLMNOP1234", "AIz…1234"),
        ("xai-abcdefghijklmnop9876", "xai…9876"),
        ("0123456789abcdef", "…cdef"),  # no known prefix: nothing but the last 4
        ("sk-short1", "…t1"),  # < 12 characters: the last 2 only
        ("abcdef", "…ef"),
        ("abcd", "…d"),
        ("ab", "…"),
        ("", "…"),
    ],
)
def test_mask_shows_a_known_prefix_and_at_most_4_characters(key, mask):
    assert mask_key(key) == mask
    if key:
        assert mask_key(key) != key and key not in mask_key(key)


def test_mask_never_reveals_more_than_four_secret_characters():
    for length in range(0, 40):
        key = "sk-" + "".join(chr(ord("a") + i % 26) for i in range(length))
        shown = mask_key(key).replace("…", "")
        secret_shown = shown[3:] if shown.startswith("sk-") else shown
        assert len(secret_shown) <= 4 and shown != key


def test_keys_are_stored_as_fernet_tokens_and_read_back(app, make_user, login, client):
    provider_id = add_provider(app, "OpenAI")
    login(make_user())
    key = "sk-roundtrip-0123456789abcdef"
    client.post(f"/settings/providers/{provider_id}/key", data={f"p{provider_id}-api_key": key}, htmx=True)
    with app.app_context():
        stored = db.session.execute(select(Connection.__table__.c["apiKey"])).scalar_one()  # the raw column
        assert looks_encrypted(stored) and key not in stored
        assert decrypt(stored) == key
        assert Fernet(app.config["PEN_ENCRYPTION_KEY"].split(",")[0]).decrypt(stored.encode()).decode() == key
        assert db.session.scalars(select(Connection)).one().api_key == stored


def test_each_encryption_is_different_and_keys_of_any_length_fit_the_column(app):
    with app.app_context():
        assert encrypt("sk-same") != encrypt("sk-same")
        token = encrypt("k" * 512)
        assert len(token) <= 1024
