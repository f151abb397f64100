"""Password hashing: argon2id for everything Pen writes; legacy formats verify and get upgraded.

Legacy values found in shared databases: plain text (Wingman), bcrypt `$2a/$2b/$2y$`,
Werkzeug `pbkdf2:`/`scrypt:`, Django `pbkdf2_sha256$`.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

import bcrypt
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash

ARGON2_PREFIX = "$argon2id$"
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
WERKZEUG_PREFIXES = ("pbkdf2:", "scrypt:")
DJANGO_PBKDF2_PREFIX = "pbkdf2_sha256$"


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID)


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(config["PEN_ARGON2_TIME_COST"], config["PEN_ARGON2_MEMORY_COST"], config["PEN_ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def hash_format(stored: str) -> str:
    """Name the format of a stored password value: argon2id, bcrypt, werkzeug, django or plain."""
    if stored.startswith(ARGON2_PREFIX):
        return "argon2id"
    if stored.startswith(BCRYPT_PREFIXES):
        return "bcrypt"
    if stored.startswith(WERKZEUG_PREFIXES) and stored.count("$") == 2:
        return "werkzeug"
    if stored.startswith(DJANGO_PBKDF2_PREFIX) and stored.count("$") == 3:
        return "django"
    return "plain"


def is_hashed(stored: str) -> bool:
    return hash_format(stored) != "plain"


def verify_password(stored: str | None, candidate: str) -> tuple[bool, bool]:
    """Check `candidate` against a stored value. Returns (ok, needs_rehash)."""
    if not stored or not candidate:
        return False, False
    kind = hash_format(stored)
    if kind == "argon2id":
        try:
            hasher().verify(stored, candidate)
        except (VerificationError, InvalidHashError):
            return False, False
        return True, hasher().check_needs_rehash(stored)
    verifier = _LEGACY_VERIFIERS[kind]
    return verifier(stored, candidate), True


def _verify_plain(stored: str, candidate: str) -> bool:
    return hmac.compare_digest(stored.encode(), candidate.encode())


def _verify_bcrypt(stored: str, candidate: str) -> bool:
    normalised = "$2b$" + stored[4:] if stored.startswith("$2y$") else stored
    try:
        return bcrypt.checkpw(candidate.encode()[:72], normalised.encode())
    except ValueError:
        return False


def _verify_werkzeug(stored: str, candidate: str) -> bool:
    try:
        return check_password_hash(stored, candidate)
    except (ValueError, TypeError):
        return False


def _verify_django(stored: str, candidate: str) -> bool:
    _, iterations, salt, expected = stored.split("$")
    try:
        rounds = int(iterations)
    except ValueError:
        return False
    if not 1 <= rounds <= 10_000_000:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", candidate.encode(), salt.encode(), rounds)
    return hmac.compare_digest(base64.b64encode(digest).decode(), expected)


_LEGACY_VERIFIERS = {
    "plain": _verify_plain,
    "bcrypt": _verify_bcrypt,
    "werkzeug": _verify_werkzeug,
    "django": _verify_django,
}
