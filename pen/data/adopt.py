"""Adopt a database Prisma created for Pen AI / Wingman: recognise it, stamp the baseline, upgrade.

A candidate has the six seed tables and no `alembic_version`. Its columns (names, nullability)
must match the seed schema exactly; otherwise nothing is written and the differences are listed.
Adoption writes only `alembic_version` (the stamp) and then runs Pen's additive revisions, which
add columns, indexes and tables and never rewrite a row. Tables Pen does not own
(`_prisma_migrations`, other apps' tables) are left alone.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Engine, event, func, inspect, select, table

from pen.data.seed import ALEMBIC_TABLE, BASELINE_REVISION, PRISMA_TABLE, SEED_SCHEMA, SEED_TABLES
from pen.extensions import db
from pen.schema import init_migrate, upgrade_schema

log = logging.getLogger(__name__)

EMPTY = "empty"  # none of the seed tables: `upgrade-db` creates Pen's schema
MANAGED = "managed"  # Pen's migrations already manage it (`alembic_version` present)
SEED = "seed"  # the seed schema as Prisma made it: adoptable
MISMATCH = "mismatch"  # seed tables that do not match: refused


@dataclass
class Survey:
    state: str
    differences: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    prisma: bool = False  # `_prisma_migrations` is present (left alone)


class AdoptionRefused(Exception):
    """The database has seed tables that differ from the seed schema; nothing was changed."""

    def __init__(self, differences: list[str]):
        super().__init__(f"the database does not match the Pen AI / Wingman schema ({len(differences)} differences)")
        self.differences = differences


def survey(engine: Engine | None = None) -> Survey:
    """Classify the database without writing anything."""
    engine = engine or db.engine
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    prisma = PRISMA_TABLE in tables
    if ALEMBIC_TABLE in tables:
        return Survey(MANAGED, prisma=prisma)
    present = [name for name in SEED_TABLES if name in tables]
    if not present:
        return Survey(EMPTY, prisma=prisma)
    differences = [f"table {name}: missing" for name in SEED_TABLES if name not in tables]
    for name in present:
        differences += column_differences(name, inspector.get_columns(name))
    if differences:
        return Survey(MISMATCH, differences, prisma=prisma)
    return Survey(SEED, rows=count_rows(engine), prisma=prisma)


def column_differences(table_name: str, reflected: list[dict]) -> list[str]:
    expected = SEED_SCHEMA[table_name]
    found = {column["name"]: bool(column["nullable"]) for column in reflected}
    differences = []
    for name, nullable in expected.items():
        if name not in found:
            differences.append(f"{table_name}.{name}: missing")
        elif found[name] != nullable:
            differences.append(f"{table_name}.{name}: {null_word(found[name])}, the seed schema has {null_word(nullable)}")
    differences += [f"{table_name}.{name}: not in the seed schema" for name in found if name not in expected]
    return differences


def null_word(nullable: bool) -> str:
    return "NULL" if nullable else "NOT NULL"


def count_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.scalar(select(func.count()).select_from(table(name))) for name in SEED_TABLES}


def prepare_for_upgrade() -> Survey:
    """Before `upgrade-db`: stamp an adoptable seed database at the baseline; refuse a mismatching one."""
    found = survey()
    if found.state == MISMATCH:
        raise AdoptionRefused(found.differences)
    if found.state == SEED:
        stamp(BASELINE_REVISION)
        log.info("adopted a Pen AI / Wingman database: stamped %s", BASELINE_REVISION)
    return found


def upgrade_database() -> Survey:
    """`upgrade-db` and `adopt`: adopt a seed database if that is what this is, then upgrade to head."""
    with sqlite_foreign_keys_off(db.engine):
        found = prepare_for_upgrade()
        upgrade_schema()
    return found


@contextmanager
def sqlite_foreign_keys_off(engine: Engine) -> Iterator[None]:
    """SQLite: run migrations with foreign keys off, as Alembic's batch mode needs on tables with rows.

    Batch mode rebuilds a table (copy, drop, rename); with foreign keys on, dropping `users`
    while `chats` refer to it fails. The check runs afterwards instead (`PRAGMA foreign_key_check`).
    """
    if engine.dialect.name != "sqlite":
        yield
        return

    def off(dbapi_connection, record, proxy) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()

    event.listen(engine, "checkout", off)
    try:
        yield
    finally:
        event.remove(engine, "checkout", off)
        engine.dispose()  # pooled connections come back with foreign keys on
    with engine.connect() as connection:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:  # the migration is committed; say where the data was already inconsistent
        log.warning("foreign key check after the migration: %s rows refer to missing rows (first: %s)",
                    len(broken), ", ".join(f"{table} rowid {rowid} -> {parent}" for table, rowid, parent, _ in broken[:5]))


def stamp(revision: str) -> None:
    init_migrate(current_app)
    from flask_migrate import stamp as alembic_stamp

    alembic_stamp(revision=revision)


def current_revision() -> str | None:
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    init_migrate(current_app)
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()
