"""`flask seed-providers` and `flask rotate-key`."""

import sys

import click
from flask.cli import with_appcontext

from pen.admin import service


@click.command("seed-providers")
@with_appcontext
def seed_providers() -> None:
    """Add the catalog providers that are missing (never changes existing ones)."""
    from pen.cli import check_database

    check_database()
    added = service.seed_catalog()
    if added:
        click.echo(f"Added {len(added)} provider(s): {', '.join(added)}.")
    else:
        click.echo("Every catalog provider is already present; nothing was added.")


@click.command("rotate-key")
@click.option("--skip-unreadable", is_flag=True, help="Leave keys no configured key can decrypt as they are.")
@with_appcontext
def rotate_key(skip_unreadable: bool) -> None:
    """Re-encrypt every stored API key under the newest PEN_ENCRYPTION_KEY (the first in the list).

    Put the new key first and keep the old ones after it (comma-separated), run this, then drop
    the old keys from PEN_ENCRYPTION_KEY. One transaction: on any error nothing changes.
    """
    from pen.cli import check_database

    check_database()
    try:
        result = service.rotate_keys(skip_unreadable=skip_unreadable)
    except service.UnreadableKeys as exc:
        click.echo(
            f"Error: {exc} Nothing was changed. Add the old key to PEN_ENCRYPTION_KEY (after the new one), "
            "or run again with --skip-unreadable to leave those keys as they are.",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Re-encrypted {result.rotated} key(s) under the newest encryption key.")
    if result.plain_text:
        click.echo(f"{result.plain_text} legacy plain-text key(s) were left as they are.")
    if result.unreadable:
        click.echo(f"{result.unreadable} unreadable key(s) were left as they are; their users must re-enter them.")
