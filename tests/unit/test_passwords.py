import bcrypt
import pytest
from werkzeug.security import generate_password_hash

from pen.security.passwords import hash_format, hash_password, is_hashed, verify_password

PASSWORD = "s3cret-pässword"


def django_hash(password: str) -> str:
    from django.conf import settings

    if not settings.configured:
        settings.configure(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"], USE_TZ=True)
    from django.contrib.auth.hashers import make_password

    return make_password(password)


def bcrypt_hash(password: str, prefix: bytes) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4, prefix=prefix)).decode()


LEGACY = {
    "plain": lambda: PASSWORD,
    "bcrypt-2b": lambda: bcrypt_hash(PASSWORD, b"2b"),
    "bcrypt-2a": lambda: bcrypt_hash(PASSWORD, b"2a"),
    # PHP's $2y$ is the same algorithm as $2b$; Wingman-era PHP tools wrote it.
    "bcrypt-2y": lambda: "$2y$" + bcrypt_hash(PASSWORD, b"2b")[4:],
    "werkzeug-pbkdf2": lambda: generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
    "werkzeug-scrypt": lambda: generate_password_hash(PASSWORD, method="scrypt"),
    "django-pbkdf2": lambda: django_hash(PASSWORD),
}


def test_new_hashes_are_argon2id(bare_app):
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, PASSWORD) == (True, False)
    assert verify_password(stored, "wrong") == (False, False)


@pytest.mark.parametrize("kind", LEGACY)
def test_legacy_format_verifies_and_asks_for_rehash(bare_app, kind):
    stored = LEGACY[kind]()
    assert verify_password(stored, PASSWORD) == (True, True)


@pytest.mark.parametrize("kind", LEGACY)
def test_legacy_format_rejects_wrong_password(bare_app, kind):
    stored = LEGACY[kind]()
    assert verify_password(stored, PASSWORD + "x")[0] is False


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("plain", "plain"), ("bcrypt-2b", "bcrypt"), ("werkzeug-scrypt", "werkzeug"), ("django-pbkdf2", "django")],
)
def test_hash_format_is_recognised(bare_app, kind, expected):
    assert hash_format(LEGACY[kind]()) == expected


def test_argon2_with_weaker_parameters_needs_rehash(bare_app):
    stored = hash_password(PASSWORD)
    bare_app.config["PEN_ARGON2_TIME_COST"] = 2
    assert verify_password(stored, PASSWORD) == (True, True)


@pytest.mark.parametrize("stored", ["", None, "pbkdf2_sha256$notanumber$salt$hash", "$2b$garbage"])
def test_malformed_or_empty_values_never_verify(bare_app, stored):
    assert verify_password(stored, PASSWORD)[0] is False


def test_empty_candidate_never_matches_empty_plain_text(bare_app):
    assert verify_password("", "") == (False, False)


def test_is_hashed(bare_app):
    assert is_hashed(hash_password("x" * 10))
    assert not is_hashed("hunter2")
