"""Schema migrations through Flask-Migrate/Alembic, loaded only when something needs them.

Alembic takes a noticeable part of a second to import; the web server never needs it, so the
`flask db …` commands and `upgrade_schema()` load it on first use.
"""

import click
from flask import Flask, current_app, g
from flask.cli import ScriptInfo, with_appcontext

from pen.database import MIGRATIONS_DIR
from pen.extensions import db


def init_migrate(app: Flask) -> None:
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True, command="_db")


def upgrade_schema(revision: str = "head") -> None:
    """Apply migrations up to `revision` (inside an app context)."""
    init_migrate(current_app)
    from flask_migrate import upgrade

    upgrade(revision=revision)


def downgrade_schema(revision: str) -> None:
    init_migrate(current_app)
    from flask_migrate import downgrade

    downgrade(revision=revision)


class LazyMigrateGroup(click.Group):
    """`flask db …`: Flask-Migrate's command group, imported when a `db` command runs."""

    def _real_group(self, ctx: click.Context) -> click.Group:
        init_migrate(ctx.ensure_object(ScriptInfo).load_app())
        from flask_migrate.cli import db as migrate_group

        return migrate_group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real_group(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._real_group(ctx).get_command(ctx, name)


@click.group("db", cls=LazyMigrateGroup)
@click.option("-d", "--directory", default=None, help="Migration script directory (default: migrations/)")
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments consumed by env.py")
@with_appcontext
def db_command(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Database migrations (Flask-Migrate / Alembic)."""
    init_migrate(current_app)
    g.directory = directory  # read by Flask-Migrate's get_config()
    g.x_arg = x_arg
