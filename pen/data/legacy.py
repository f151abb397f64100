"""`flask secure-legacy`: hash plain-text passwords (argon2id) and encrypt plain-text API keys (Fernet).

The seed stores both in plain text. By default only Pen's rows (`system_flag = PEN_SYSTEM_FLAG`;
a connection counts as its owner's) are changed, because Wingman still reads its own rows;
`all_systems=True` is the operator's decision once Wingman is gone. Values already in a known
hash or token format are recognised and left alone, so a second run changes nothing.
Everything happens in one transaction; a dry run rolls it back.
"""

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, bindparam, select, update

from pen.extensions import db
from pen.models import Connection, User
from pen.security.passwords import hash_password, is_hashed
from pen.security.secrets import encrypt, looks_encrypted

log = logging.getLogger(__name__)

API_KEY_MAX = 1024  # ai_connections.apiKey after Pen's widening


@dataclass
class TableReport:
    table: str
    noun: str  # "password" / "key"
    changed: int = 0  # hashed or encrypted by this run
    already: int = 0  # already a hash / a Fernet token
    left: int = 0  # plain text, but another system's row (see --all-systems)
    too_long: int = 0  # plain-text keys whose ciphertext would not fit the column

    def line(self, dry_run: bool) -> str:
        verb = {"password": ("hashed", "would be hashed"), "key": ("encrypted", "would be encrypted")}[self.noun]
        parts = [f"{self.changed} {self.noun}{'' if self.changed == 1 else 's'} {verb[dry_run]}",
                 f"{self.already} already {verb[0]}"]
        if self.left:
            parts.append(f"{self.left} left in plain text (other systems' rows; --all-systems includes them)")
        if self.too_long:
            parts.append(f"{self.too_long} too long to encrypt into the column (left as they are)")
        return f"{self.table}: " + ", ".join(parts)


class SchemaNotCurrent(Exception):
    """secure-legacy needs Pen's schema (the widened apiKey column): run upgrade-db first."""


def secure_legacy(*, all_systems: bool = False, dry_run: bool = False) -> list[TableReport]:
    """Hash and encrypt every legacy secret in one transaction; returns counts per table."""
    flag = current_app.config["PEN_SYSTEM_FLAG"]
    try:
        reports = [secure_passwords(flag, all_systems), secure_keys(flag, all_systems)]
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        log.info("secure-legacy: %s", "; ".join(f"{r.table} {r.changed}" for r in reports))
    return reports


def secure_passwords(flag: str, all_systems: bool) -> TableReport:
    report = TableReport("users", "password")
    changes = []
    for user_id, stored, system_flag in db.session.execute(select(User.id, User.password, User.system_flag)):
        if not stored:
            continue
        if is_hashed(stored):
            report.already += 1
        elif not all_systems and system_flag != flag:
            report.left += 1
        else:
            changes.append({"row_id": user_id, "old": stored, "new": hash_password(stored)})
    report.changed = len(changes)
    if changes:  # only where the value is still the one read: a password changed meanwhile is not clobbered
        table = User.__table__
        db.session.execute(
            update(table).where(and_(table.c.id == bindparam("row_id"), table.c.password == bindparam("old")))
            .values(password=bindparam("new")),
            changes,
        )
    return report


def secure_keys(flag: str, all_systems: bool) -> TableReport:
    report = TableReport("ai_connections", "key")
    changes = []
    rows = db.session.execute(
        select(Connection.id, Connection.api_key, User.system_flag).join(User, User.id == Connection.user_id)
    )
    for connection_id, stored, owner_flag in rows:
        if not stored:
            continue
        if looks_encrypted(stored):
            report.already += 1
        elif not all_systems and owner_flag != flag:
            report.left += 1
        else:
            token = encrypt(stored)
            if len(token) > API_KEY_MAX:
                report.too_long += 1
                continue
            changes.append({"row_id": connection_id, "old": stored, "new": token})
    report.changed = len(changes)
    if changes:
        table = Connection.__table__
        db.session.execute(
            update(table).where(and_(table.c.id == bindparam("row_id"), table.c.apiKey == bindparam("old")))
            .values(apiKey=bindparam("new"), updatedAt=table.c.updatedAt),  # same key: updatedAt stays
            changes,
        )
    return report
