"""Pen's configuration, read from the environment (and a `.env` file when present).

`Config` is the default (local runs: `make run`); `ProductionConfig` is chosen with
`PEN_ENV=production`; `TestConfig` is used by the test suite. Secrets are never defaulted:
`create_app` fills them from `instance/` files written by `make run`, or refuses to start.
"""

import os
from datetime import timedelta

from dotenv import load_dotenv

load_dotenv()


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


class Config:
    ENV_NAME = "development"

    # Secrets: from the environment, else from instance/ files written by `make run`.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    PEN_ENCRYPTION_KEY = os.environ.get("PEN_ENCRYPTION_KEY")
    PEN_SECRETS_FROM_INSTANCE = True

    # Database: SQLite under instance/ unless DATABASE_URL says otherwise.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///pen.db")
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Accounts
    PEN_SIGNUP = os.environ.get("PEN_SIGNUP", "open")  # open | closed
    PEN_SYSTEM_FLAG = os.environ.get("PEN_SYSTEM_FLAG", "PEN")
    PEN_UPGRADE_ALL_LEGACY = env_flag("PEN_UPGRADE_ALL_LEGACY")
    PEN_ARGON2_TIME_COST = env_int("PEN_ARGON2_TIME_COST", 3)
    PEN_ARGON2_MEMORY_COST = env_int("PEN_ARGON2_MEMORY_COST", 65536)  # KiB
    PEN_ARGON2_PARALLELISM = env_int("PEN_ARGON2_PARALLELISM", 4)
    PEN_AVATAR_MAX_BYTES = env_int("PEN_AVATAR_MAX_BYTES", 2 * 1024 * 1024)
    PEN_IMPORT_MAX_BYTES = env_int("PEN_IMPORT_MAX_BYTES", 50 * 1024 * 1024)  # chat imports (their own body limit)

    # Sessions and cookies
    PEN_HTTPS = env_flag("PEN_HTTPS")
    SESSION_COOKIE_NAME = "pen_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PEN_HTTPS
    REMEMBER_COOKIE_NAME = "pen_remember"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = PEN_HTTPS
    REMEMBER_COOKIE_DURATION = timedelta(days=env_int("PEN_REMEMBER_DAYS", 30))
    PERMANENT_SESSION_LIFETIME = timedelta(days=env_int("PEN_REMEMBER_DAYS", 30))

    # CSRF: tokens live as long as the session; the header htmx sends is X-CSRFToken.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = PEN_HTTPS

    # Request size and rate limits
    MAX_CONTENT_LENGTH = env_int("PEN_MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    PEN_SIGNIN_LIMIT_PER_IP = os.environ.get("PEN_SIGNIN_LIMIT_PER_IP", "10 per minute")
    PEN_SIGNIN_LIMIT_PER_ACCOUNT = os.environ.get("PEN_SIGNIN_LIMIT_PER_ACCOUNT", "10 per minute")
    PEN_SIGNUP_LIMIT_PER_IP = os.environ.get("PEN_SIGNUP_LIMIT_PER_IP", "10 per hour")
    PEN_PROXY_COUNT = env_int("PEN_PROXY_COUNT", 0)  # reverse proxies in front (X-Forwarded-*)

    # Provider calls (see pen/providers/settings.py)
    PEN_PROVIDER_CONNECT_TIMEOUT = env_float("PEN_PROVIDER_CONNECT_TIMEOUT", 10.0)
    PEN_PROVIDER_READ_TIMEOUT = env_float("PEN_PROVIDER_READ_TIMEOUT", 120.0)
    PEN_PROVIDER_TOTAL_TIMEOUT = env_float("PEN_PROVIDER_TOTAL_TIMEOUT", 900.0)
    PEN_PROVIDER_RETRY_AFTER_CAP = env_float("PEN_PROVIDER_RETRY_AFTER_CAP", 10.0)
    PEN_BLOCK_PRIVATE_PROVIDER_URLS = env_flag("PEN_BLOCK_PRIVATE_PROVIDER_URLS")
    PEN_ANTHROPIC_VERSION = os.environ.get("PEN_ANTHROPIC_VERSION", "2023-06-01")
    PEN_DEFAULT_MAX_TOKENS = env_int("PEN_DEFAULT_MAX_TOKENS", 4096)

    # Chat
    PEN_MAX_MESSAGE_CHARS = env_int("PEN_MAX_MESSAGE_CHARS", 100_000)
    PEN_CONTEXT_BUDGET_CHARS = env_int("PEN_CONTEXT_BUDGET_CHARS", 200_000)
    PEN_SEND_LIMIT = os.environ.get("PEN_SEND_LIMIT", "30 per minute")
    PEN_AUTO_TITLE = env_flag("PEN_AUTO_TITLE", True)
    PEN_STREAM_STALE_SECONDS = env_float("PEN_STREAM_STALE_SECONDS", 20.0)
    PEN_MAX_GENERATIONS = env_int("PEN_MAX_GENERATIONS", 2048)  # replies generated at once per process

    # Prompt library
    PEN_PROMPT_MAX_CHARS = env_int("PEN_PROMPT_MAX_CHARS", 100_000)
    PEN_PROMPT_IMPORT_MAX_BYTES = env_int("PEN_PROMPT_IMPORT_MAX_BYTES", 5 * 1024 * 1024)

    # Static files are served with a content hash in the URL, so they can be cached for long.
    SEND_FILE_MAX_AGE_DEFAULT = timedelta(days=365)

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


class ProductionConfig(Config):
    """Secrets must come from the environment; nothing is read from or written to instance/."""

    ENV_NAME = "production"
    PEN_SECRETS_FROM_INSTANCE = False


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    PEN_ENCRYPTION_KEY = "KPh4GR-MeUlppLj1OVwDNQYTfwCPRBw0XHalt4HVXR0="
    PEN_SECRETS_FROM_INSTANCE = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    PEN_SIGNUP = "open"
    # Cheap hashes keep the suite fast; the algorithm and format are the production ones.
    PEN_ARGON2_TIME_COST = 1
    PEN_ARGON2_MEMORY_COST = 1024
    PEN_ARGON2_PARALLELISM = 1
    RATELIMIT_STORAGE_URI = "memory://"
    LOG_LEVEL = "DEBUG"
    PEN_AUTO_TITLE = False  # titles are tested on their own; the fake would otherwise rename chats


def config_for_environment() -> type[Config]:
    return ProductionConfig if os.environ.get("PEN_ENV") == "production" else Config
