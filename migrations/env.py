"""Alembic environment for Pen, run through Flask-Migrate (`flask db …`, `flask upgrade-db`)."""

import logging

from alembic import context
from flask import current_app
from sqlalchemy import JSON
from sqlalchemy.dialects.mysql import LONGTEXT

logger = logging.getLogger("alembic.env")
config = context.config
target_db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def include_object(obj, name, type_, reflected, compare_to):
    """Leave alone tables Pen does not own (Prisma's `_prisma_migrations`, other apps' tables)."""
    return not (type_ == "table" and reflected and compare_to is None)


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """MariaDB stores JSON as LONGTEXT with a json_valid check; that is the same type."""
    if isinstance(metadata_type, JSON) and isinstance(inspected_type, LONGTEXT):
        return False
    return None  # fall back to Alembic's own comparison


def process_revision_directives(context, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_online() -> None:
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", process_revision_directives)
    options["include_object"] = include_object
    options["compare_type"] = compare_type
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
