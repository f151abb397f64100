"""Test databases: SQLite always, PostgreSQL and MariaDB from `PEN_TEST_DATABASE_URLS`.

Every test run creates its own databases with fresh names (`pen_test_<run>_<worker>`) on the
servers named by those URLs and drops them at the end, so runs never collide.
"""

import os
import secrets
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from pen.database import normalise_url

RUN_ID = secrets.token_hex(3)


def configured_backends() -> list[str]:
    """`sqlite` plus one entry per URL in PEN_TEST_DATABASE_URLS (comma-separated)."""
    urls = [part.strip() for part in os.environ.get("PEN_TEST_DATABASE_URLS", "").split(",") if part.strip()]
    return ["sqlite", *urls]


def backend_id(spec: str) -> str:
    return "sqlite" if spec == "sqlite" else make_url(spec).get_backend_name()


def fresh_name(label: str = "") -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"pen_test_{RUN_ID}_{worker}{('_' + label) if label else ''}"


def create_database(spec: str, tmp_dir: Path, label: str = "") -> URL:
    """Create an empty database for `spec` and return its URL."""
    name = fresh_name(label)
    if spec == "sqlite":
        return make_url(f"sqlite:///{tmp_dir / (name + '.db')}")
    server = normalise_url(spec, str(tmp_dir))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if server.get_backend_name() == "postgresql":
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        else:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
            connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    admin.dispose()
    return server.set(database=name)


def drop_database(spec: str, url: URL) -> None:
    if spec == "sqlite":
        return
    server = normalise_url(spec, "/tmp")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if server.get_backend_name() == "postgresql":
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        else:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{url.database}`"))
    admin.dispose()


def empty_tables(engine, metadata) -> None:
    """Delete every row Pen's tables hold (children first); the schema stays."""
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
