"""The seed schema: the Pen AI / Wingman tables exactly as Prisma created them.

This is Pen's baseline. A database Prisma already created is stamped at this revision
(`flask adopt`) instead of running it; Pen's own changes start in the next revision.

Revision ID: 0001_seed_schema
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

from pen.orm import now_ms

revision = "0001_seed_schema"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = (
    sa.DateTime()
    .with_variant(mysql.DATETIME(fsp=3), "mysql", "mariadb")
    .with_variant(postgresql.TIMESTAMP(precision=3), "postgresql")
)


def created(name: str = "created_at") -> sa.Column:
    return sa.Column(name, TIMESTAMP, nullable=False, server_default=now_ms())


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(191), nullable=False),
        sa.Column("email", sa.String(191), nullable=False),
        sa.Column("password", sa.String(191), nullable=False),
        sa.Column("profileImage", sa.String(191), nullable=True),
        created("createdAt"),
        sa.Column("system_flag", sa.String(20), nullable=False, server_default="WINGMAN"),
        sa.PrimaryKeyConstraint("id", name="users_pkey"),
        sa.UniqueConstraint("email", name="users_email_key"),
    )
    op.create_table(
        "ai_connections",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("apiKey", sa.String(191), nullable=False),
        sa.Column("apiProvider", sa.String(191), nullable=False),
        created("createdAt"),
        sa.Column("updatedAt", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="ai_connections_pkey"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="ai_connections_user_id_fkey"),
    )
    op.create_table(
        "prompts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("prompt_name", sa.String(191), nullable=False),
        sa.Column("prompt_text", sa.Text(), nullable=False),
        created("created_datetime"),
        sa.Column("updated_datetime", TIMESTAMP, nullable=True),
        sa.Column("system_flag", sa.String(20), nullable=False, server_default="WINGMAN"),
        sa.PrimaryKeyConstraint("id", name="prompts_pkey"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="prompts_user_id_fkey"),
    )
    op.create_table(
        "chats",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(191), nullable=False),
        created("timestamp"),
        created("created_at"),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="chats_pkey"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="chats_user_id_fkey"),
    )
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("role", sa.String(50), nullable=False),
        sa.Column("provider", sa.String(100), nullable=False),
        created("timestamp"),
        created("created_at"),
        sa.PrimaryKeyConstraint("id", name="chat_messages_pkey"),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name="chat_messages_chat_id_fkey"),
    )
    op.create_table(
        "ai_providers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(191), nullable=False),
        sa.Column("base_urls", sa.JSON(), nullable=False),
        sa.Column("default_model", sa.String(191), nullable=False),
        sa.Column("requires_auth", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("auth_header", sa.String(191), nullable=False),
        created("created_at"),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="ai_providers_pkey"),
    )


def downgrade():
    for table in ("ai_providers", "chat_messages", "chats", "prompts", "ai_connections", "users"):
        op.drop_table(table)
