"""Encryption of stored API keys with Fernet; `PEN_ENCRYPTION_KEY` lists keys newest first."""

import base64
import binascii

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

FERNET_VERSION = 0x80
FERNET_MIN_TOKEN_BYTES = 1 + 8 + 16 + 16 + 32  # version, timestamp, IV, one AES block, HMAC


class UnreadableSecret(Exception):
    """A stored token that none of the configured keys can decrypt."""


class InvalidEncryptionKey(ValueError):
    pass


def parse_keys(value: str | None) -> list[Fernet]:
    keys = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not keys:
        raise InvalidEncryptionKey("PEN_ENCRYPTION_KEY is empty")
    try:
        return [Fernet(key) for key in keys]
    except (ValueError, binascii.Error) as exc:
        raise InvalidEncryptionKey(
            "PEN_ENCRYPTION_KEY must be comma-separated Fernet keys (32 url-safe base64-encoded bytes each)"
        ) from exc


def _cipher() -> MultiFernet:
    extension = current_app.extensions.get("pen_cipher")
    if extension is None or extension[0] != current_app.config["PEN_ENCRYPTION_KEY"]:
        extension = (current_app.config["PEN_ENCRYPTION_KEY"], MultiFernet(parse_keys(current_app.config["PEN_ENCRYPTION_KEY"])))
        current_app.extensions["pen_cipher"] = extension
    return extension[1]


def encrypt(plaintext: str) -> str:
    return _cipher().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except (InvalidToken, UnicodeDecodeError) as exc:
        raise UnreadableSecret("the key cannot be decrypted with the configured PEN_ENCRYPTION_KEY") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key (raises UnreadableSecret if no key reads it)."""
    try:
        return _cipher().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise UnreadableSecret("the key cannot be decrypted with the configured PEN_ENCRYPTION_KEY") from exc


def looks_encrypted(value: str) -> bool:
    """True when `value` has the shape of a Fernet token (legacy rows hold plain-text keys)."""
    if not value.startswith("gAAAAA"):
        return False
    try:
        raw = base64.urlsafe_b64decode(value.encode() + b"=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return False
    return raw[0] == FERNET_VERSION and len(raw) >= FERNET_MIN_TOKEN_BYTES and (len(raw) - 57) % 16 == 0


def reveal(stored: str) -> str:
    """The usable key for a stored value: decrypted token, or a legacy plain-text key as it is."""
    return decrypt(stored) if looks_encrypted(stored) else stored
