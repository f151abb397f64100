"""Database URL handling and per-backend engine settings (SQLite, PostgreSQL, MySQL/MariaDB)."""

import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def normalise_url(raw: str, instance_path: str) -> URL:
    """Pick Pen's drivers (psycopg 3, PyMySQL) and put relative SQLite files under instance/."""
    url = make_url(raw)
    backend = url.get_backend_name()
    if backend == "postgres" or (backend == "postgresql" and url.get_driver_name() in ("psycopg2", "psycopg", "")):
        url = url.set(drivername="postgresql+psycopg")
    elif backend in ("mysql", "mariadb"):
        url = url.set(drivername=f"{backend}+pymysql")
        if "charset" not in url.query:
            url = url.update_query_dict({"charset": "utf8mb4"})
    elif backend == "sqlite" and url.database and url.database != ":memory:" and not Path(url.database).is_absolute():
        url = url.set(database=str(Path(instance_path) / url.database))
    return url


# Seconds a request may wait for a pooled connection. The pool also queues a burst (hundreds of
# sends at once, each holding a connection while it writes): they must wait their turn, not fail
# after SQLAlchemy's default 30 s (bench/RESULTS.md, 500 concurrent streams on a loaded machine).
POOL_TIMEOUT = 120


def engine_options(url: URL) -> dict:
    backend = url.get_backend_name()
    if backend == "sqlite":
        options = {"connect_args": {"timeout": 30, "check_same_thread": False}}
        if url.database not in (None, "", ":memory:"):  # a file: QueuePool (memory: one shared connection)
            options["pool_timeout"] = POOL_TIMEOUT
        return options
    options = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, "pool_timeout": POOL_TIMEOUT}
    if backend in ("mysql", "mariadb"):
        options["pool_recycle"] = 280
        # PostgreSQL's default. Under InnoDB's REPEATABLE READ a request keeps the snapshot of its
        # first read, so the busy check after taking a chat's lock would miss a reply that committed
        # in between (two racing sends would both go through).
        options["isolation_level"] = "READ COMMITTED"
    return options


def describe_url(url: str | URL) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def configure(app: Flask) -> None:
    url = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = url.render_as_string(hide_password=False)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(url))


def read_instance_file(app: Flask, filename: str) -> str | None:
    path = Path(app.instance_path) / filename
    return path.read_text().strip() if path.is_file() else None


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL for concurrent readers while one writes, foreign keys on, wait rather than fail on locks."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_without_nul(item) for item in value)
    return value


@event.listens_for(Engine, "before_cursor_execute", retval=True)
def _strip_nul_characters(connection, cursor, statement, parameters, context, executemany):
    """PostgreSQL cannot store NUL in text; NUL means nothing in chat text. Remove it from every
    value written, on every backend alike, so a pasted byte or a model's stray NUL never fails a
    write (a reply's final save included)."""
    return statement, _without_nul(parameters)
