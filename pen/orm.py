"""Declarative base, naming convention and the column types shared by every table.

Constraint names follow Prisma's convention (`users_email_key`, `chats_user_id_fkey`,
`chats_user_id_idx`), so a database Prisma created for Wingman and one Pen created agree.
"""

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, Text
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.functions import FunctionElement

NAMING_CONVENTION = {
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "pk": "%(table_name)s_pkey",
    "ck": "%(table_name)s_%(constraint_name)s_check",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Millisecond timestamps, as the seed's DATETIME(3) columns.
Timestamp = (
    DateTime()
    .with_variant(mysql.DATETIME(fsp=3), "mysql", "mariadb")
    .with_variant(postgresql.TIMESTAMP(precision=3), "postgresql")
)

# TEXT widened to MEDIUMTEXT on MySQL/MariaDB, where TEXT stops at 64 KiB.
LongText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


class now_ms(FunctionElement):  # noqa: N801 - SQL function name
    """Server-side default `CURRENT_TIMESTAMP(3)` on MySQL/MariaDB, `CURRENT_TIMESTAMP` elsewhere."""

    type = DateTime()
    inherit_cache = True


@compiles(now_ms)
def _now_ms_default(element, compiler, **kw):
    return "CURRENT_TIMESTAMP"


@compiles(now_ms, "mysql")
@compiles(now_ms, "mariadb")
def _now_ms_mysql(element, compiler, **kw):
    return "CURRENT_TIMESTAMP(3)"


def utcnow() -> datetime:
    """Naive UTC now, truncated to milliseconds so every backend stores the same value."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
