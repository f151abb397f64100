"""`flask` commands: upgrade-db, create-admin, seed-providers, rotate-key."""

import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pen.admin.commands import rotate_key, seed_providers
from pen.auth import service
from pen.auth.forms import PASSWORD_MAX, PASSWORD_MIN
from pen.data.commands import adopt_command, adopting, import_nova_command, secure_legacy_command
from pen.database import describe_url
from pen.extensions import db
from pen.schema import db_command, upgrade_schema


def init_app(app: Flask) -> None:
    app.cli.add_command(db_command)
    app.cli.add_command(upgrade_db)
    app.cli.add_command(create_admin)
    app.cli.add_command(adopt_command)
    app.cli.add_command(secure_legacy_command)
    app.cli.add_command(import_nova_command)
    app.cli.add_command(seed_providers)
    app.cli.add_command(rotate_key)


def check_database() -> None:
    """Exit with one line naming DATABASE_URL (password hidden) when the database is unreachable."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        url = describe_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
        reason = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc).strip() else type(exc).__name__
        click.echo(f"Error: cannot reach the database at DATABASE_URL={url}: {reason}", err=True)
        sys.exit(1)


@click.command("upgrade-db")
@with_appcontext
def upgrade_db() -> None:
    """Bring the database schema up to date (safe to run at every start; adopts a Wingman database),
    and close replies that a stopped server left `streaming`."""
    check_database()
    with adopting():
        upgrade_schema()
    from pen.chat.generation import reap_interrupted

    reaped = reap_interrupted(current_app.config["PEN_STREAM_STALE_SECONDS"])
    if reaped:
        click.echo(f"Marked {reaped} interrupted repl{'y' if reaped == 1 else 'ies'} as stopped.")


@click.command("create-admin")
@click.option("--email", required=True, help="The admin's email address.")
@click.option("--name", required=True, help="The admin's display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_admin(email: str, name: str, password_stdin: bool) -> None:
    """Create an admin account, or make an existing account admin."""
    check_database()
    existing = service.find_user_by_email(email)
    if existing is not None:
        existing.is_admin = True
        existing.is_active_account = True
        db.session.commit()
        click.echo(f"{existing.email} already exists; it is now an admin.")
        return
    password = sys.stdin.readline().rstrip("\n") if password_stdin else click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.UsageError(f"The password must have {PASSWORD_MIN} to {PASSWORD_MAX} characters.")
    user = service.create_account(name, email, password)
    user.is_admin = True
    db.session.commit()
    service.claim_first_admin(user)
    click.echo(f"Created admin {user.email}.")
