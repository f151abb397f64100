"""Pen's additive changes to the seed schema: new columns, widened columns, indexes, pen_settings.

Nothing here drops or rewrites a seed column or row; widening is the only type change
(`apiKey` holds Fernet ciphertext; message and prompt text outgrow MySQL's 64 KiB TEXT).

Revision ID: 0002_pen_additions
Revises: 0001_seed_schema
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "0002_pen_additions"
down_revision = "0001_seed_schema"
branch_labels = None
depends_on = None

TIMESTAMP = (
    sa.DateTime()
    .with_variant(mysql.DATETIME(fsp=3), "mysql", "mariadb")
    .with_variant(postgresql.TIMESTAMP(precision=3), "postgresql")
)
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


def flag(name: str, default: bool) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true() if default else sa.false())


def upgrade():
    with op.batch_alter_table("users") as table:
        table.add_column(flag("is_admin", False))
        table.add_column(flag("is_active", True))
        table.add_column(sa.Column("session_nonce", sa.String(32), nullable=True))
        table.add_column(sa.Column("default_provider", sa.String(191), nullable=True))
        table.add_column(sa.Column("default_model", sa.String(191), nullable=True))

    with op.batch_alter_table("ai_providers") as table:
        table.add_column(sa.Column("api_style", sa.String(20), nullable=False, server_default="openai"))
        table.add_column(flag("enabled", True))
        table.add_column(sa.Column("models", sa.JSON(), nullable=True))
        table.add_column(sa.Column("models_refreshed_at", TIMESTAMP, nullable=True))
        table.add_column(sa.Column("extra_headers", sa.JSON(), nullable=True))

    with op.batch_alter_table("ai_connections") as table:
        table.alter_column("apiKey", existing_type=sa.String(191), type_=sa.String(1024), existing_nullable=False)
        table.add_column(sa.Column("selected_model", sa.String(191), nullable=True))
        table.add_column(flag("is_shared", False))
        table.create_index("ai_connections_user_id_apiProvider_idx", ["user_id", "apiProvider"])

    with op.batch_alter_table("prompts") as table:
        table.alter_column("prompt_text", existing_type=sa.Text(), type_=LONG_TEXT, existing_nullable=False)
        table.create_index("prompts_user_id_idx", ["user_id"])

    with op.batch_alter_table("chats") as table:
        table.add_column(sa.Column("provider", sa.String(191), nullable=True))
        table.add_column(sa.Column("model", sa.String(191), nullable=True))
        table.add_column(sa.Column("system_prompt", LONG_TEXT, nullable=True))
        table.create_index("chats_user_id_timestamp_idx", ["user_id", "timestamp"])

    with op.batch_alter_table("chat_messages") as table:
        table.alter_column("content", existing_type=sa.Text(), type_=LONG_TEXT, existing_nullable=False)
        table.add_column(sa.Column("model", sa.String(191), nullable=True))
        table.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="complete"))
        table.add_column(sa.Column("error", sa.Text(), nullable=True))
        table.add_column(sa.Column("error_kind", sa.String(32), nullable=True))
        table.add_column(sa.Column("finish_reason", sa.String(32), nullable=True))
        table.add_column(sa.Column("input_tokens", sa.Integer(), nullable=True))
        table.add_column(sa.Column("output_tokens", sa.Integer(), nullable=True))
        table.add_column(sa.Column("latency_ms", sa.Integer(), nullable=True))
        table.add_column(sa.Column("duration_ms", sa.Integer(), nullable=True))
        table.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        table.add_column(flag("active", True))
        table.add_column(flag("stop_requested", False))
        table.add_column(sa.Column("updated_at", TIMESTAMP, nullable=True))
        table.create_index("chat_messages_chat_id_id_idx", ["chat_id", "id"])
        table.create_index("chat_messages_parent_id_idx", ["parent_id"])

    op.create_table(
        "pen_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pen_settings_pkey"),
    )


def keep_foreign_key_index(table: str, column: str) -> None:
    """MySQL let the new composite index serve the foreign key; give it back its own index first."""
    if op.get_bind().dialect.name in ("mysql", "mariadb"):
        op.create_index(f"{table}_{column}_fkey", table, [column])


def downgrade():
    for table, column in (("chat_messages", "chat_id"), ("chats", "user_id"), ("prompts", "user_id"), ("ai_connections", "user_id")):
        keep_foreign_key_index(table, column)
    op.drop_table("pen_settings")
    with op.batch_alter_table("chat_messages") as table:
        table.drop_index("chat_messages_parent_id_idx")
        table.drop_index("chat_messages_chat_id_id_idx")
        for column in ("updated_at", "stop_requested", "active", "parent_id", "duration_ms", "latency_ms",
                       "output_tokens", "input_tokens", "finish_reason", "error_kind", "error", "status", "model"):
            table.drop_column(column)
        table.alter_column("content", existing_type=LONG_TEXT, type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table("chats") as table:
        table.drop_index("chats_user_id_timestamp_idx")
        for column in ("system_prompt", "model", "provider"):
            table.drop_column(column)
    with op.batch_alter_table("prompts") as table:
        table.drop_index("prompts_user_id_idx")
        table.alter_column("prompt_text", existing_type=LONG_TEXT, type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table("ai_connections") as table:
        table.drop_index("ai_connections_user_id_apiProvider_idx")
        table.drop_column("is_shared")
        table.drop_column("selected_model")
        table.alter_column("apiKey", existing_type=sa.String(1024), type_=sa.String(191), existing_nullable=False)
    with op.batch_alter_table("ai_providers") as table:
        for column in ("extra_headers", "models_refreshed_at", "models", "enabled", "api_style"):
            table.drop_column(column)
    with op.batch_alter_table("users") as table:
        for column in ("default_model", "default_provider", "session_nonce", "is_active", "is_admin"):
            table.drop_column(column)
