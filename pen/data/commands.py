"""`flask adopt`, `flask secure-legacy`, `flask import-nova`; and the adoption step of `upgrade-db`.

Output is counts per table. No command prints a password, an API key or a Fernet key.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import with_appcontext

from pen.data import adopt as adoption
from pen.data import legacy, nova
from pen.database import describe_url
from pen.extensions import db


def fail(message: str, details: list[str] = ()) -> None:
    click.echo(f"Error: {message}", err=True)
    for line in details:
        click.echo(f"  - {line}", err=True)
    sys.exit(1)


@contextmanager
def adopting() -> Iterator[None]:
    """Around `upgrade-db`'s upgrade: stamp an unadopted Pen AI / Wingman database at the baseline
    first (or exit listing the differences of a mismatching one, having written nothing)."""
    with adoption.sqlite_foreign_keys_off(db.engine):
        try:
            found = adoption.prepare_for_upgrade()
        except adoption.AdoptionRefused as exc:
            refuse(exc)
        yield
    if found.state == adoption.SEED:
        click.echo("Adopted the Pen AI / Wingman database: stamped the seed schema and applied Pen's additions.")


def refuse(exc: adoption.AdoptionRefused) -> None:
    fail("this database has Pen AI / Wingman tables that do not match the seed schema; nothing was changed:",
         exc.differences)


@click.command("adopt")
@click.option("--dry-run", is_flag=True, help="Only report what adoption would do.")
@with_appcontext
def adopt_command(dry_run: bool) -> None:
    """Adopt a Pen AI / Wingman database created by Prisma: stamp Pen's baseline, apply Pen's additions."""
    from pen.cli import check_database

    check_database()
    found = adoption.survey()
    if found.state == adoption.MISMATCH:
        refuse(adoption.AdoptionRefused(found.differences))
    if found.state == adoption.EMPTY:
        where = describe_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
        fail(f"no Pen AI / Wingman tables at DATABASE_URL={where}: nothing to adopt "
             "(`flask upgrade-db` creates Pen's tables in an empty database).")
    if found.state == adoption.MANAGED:
        before = adoption.current_revision()
        if not dry_run:
            adoption.upgrade_database()
        after = adoption.current_revision()
        if before == after:
            click.echo(f"Already adopted: Pen's migrations manage this database (revision {after}). Nothing to do.")
        else:
            click.echo(f"Already adopted; {'would upgrade' if dry_run else 'upgraded'} from {before} to {adoption.head_revision()}.")
        return
    click.echo("Found the Pen AI / Wingman schema" + (" (Prisma's _prisma_migrations is left alone)." if found.prisma else "."))
    click.echo("Rows kept as they are: " + ", ".join(f"{table} {count}" for table, count in found.rows.items()))
    if dry_run:
        click.echo(f"Dry run: would stamp {adoption.BASELINE_REVISION} and upgrade to {adoption.head_revision()}. Nothing was written.")
        return
    adoption.upgrade_database()
    click.echo(f"Stamped {adoption.BASELINE_REVISION} and upgraded to {adoption.current_revision()}.")
    click.echo("Next: `flask secure-legacy` hashes the plain-text passwords and encrypts the plain-text keys of Pen's rows.")


@click.command("secure-legacy")
@click.option("--all-systems", is_flag=True, help="Also Wingman's rows (only once Wingman no longer reads them).")
@click.option("--dry-run", is_flag=True, help="Only count; change nothing.")
@with_appcontext
def secure_legacy_command(all_systems: bool, dry_run: bool) -> None:
    """Hash plain-text passwords (argon2id) and encrypt plain-text API keys (Fernet), in one transaction."""
    from pen.cli import check_database

    check_database()
    current, head = adoption.current_revision(), adoption.head_revision()
    if current != head:
        fail(f"the database schema is at {current or 'no Pen revision'}, not {head}: run `flask upgrade-db` first.")
    flag = current_app.config["PEN_SYSTEM_FLAG"]
    click.echo(f"Rows: {'all systems' if all_systems else f'system_flag {flag} only'}.")
    for report in legacy.secure_legacy(all_systems=all_systems, dry_run=dry_run):
        click.echo(report.line(dry_run))
    if dry_run:
        click.echo("Dry run: nothing was written.")


@click.command("import-nova")
@click.option("--database-url", required=True, help="The Nova database (sqlite:///path/db.sqlite3 or postgresql://…).")
@click.option("--fernet-key", envvar="NOVA_FERNET_KEY", default=None,
              help="Nova's Fernet key, to re-encrypt its Groq keys (or set NOVA_FERNET_KEY).")
@with_appcontext
def import_nova_command(database_url: str, fernet_key: str | None) -> None:
    """Import users, chats and Groq keys from a Nova AI Chatbot database."""
    from pen.cli import check_database

    check_database()
    if adoption.current_revision() != adoption.head_revision():
        fail("Pen's database schema is not up to date: run `flask upgrade-db` first.")
    try:
        report = nova.import_nova(database_url, fernet_key)
    except nova.NovaError as exc:
        fail(str(exc))
    for line in nova_lines(report):
        click.echo(line)


def nova_lines(report: nova.NovaReport) -> list[str]:
    lines = [f"Nova database: {report.source}",
             f"users: {report.users_created} created, {report.users_matched} matched by email"]
    if report.skipped_users:
        lines.append(f"users skipped (no usable email address): {len(report.skipped_users)} ({', '.join(report.skipped_users)})")
    if report.new_password_needed:
        lines.append(f"users who need a new password (Nova's hash is unusable or not supported): "
                     f"{len(report.new_password_needed)} ({', '.join(report.new_password_needed)})")
    lines.append(f"chats: {report.chats_created} created, {report.chats_extended} extended; messages: {report.messages} imported")
    if not report.has_keys_table:
        lines.append("keys: none (the database has no chatbot_userapikey table)")
        return lines
    lines.append(f"keys: {report.keys_imported} imported, {report.keys_present} kept (the user already has a Groq key)")
    if report.keys_without_fernet_key:
        lines.append(f"keys not imported: {report.keys_without_fernet_key} (give --fernet-key to import them)")
    if report.unreadable_keys:
        lines.append(f"keys that could not be read with the given Fernet key: {len(report.unreadable_keys)} "
                     f"({', '.join(report.unreadable_keys)})")
    return lines
