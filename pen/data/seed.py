"""The seed schema (Pen AI / Wingman, created by Prisma) as adoption compares it: names and nullability.

Source: `shared/seeds/000_…txt`, the contract Pen's baseline revision `0001_seed_schema` creates.
"""

BASELINE_REVISION = "0001_seed_schema"
PRISMA_TABLE = "_prisma_migrations"
ALEMBIC_TABLE = "alembic_version"

# table -> {column: nullable}
SEED_SCHEMA: dict[str, dict[str, bool]] = {
    "users": {
        "id": False, "name": False, "email": False, "password": False, "profileImage": True,
        "createdAt": False, "system_flag": False,
    },
    "ai_connections": {
        "id": False, "user_id": False, "apiKey": False, "apiProvider": False, "createdAt": False, "updatedAt": True,
    },
    "prompts": {
        "id": False, "user_id": False, "prompt_name": False, "prompt_text": False, "created_datetime": False,
        "updated_datetime": True, "system_flag": False,
    },
    "chats": {
        "id": False, "user_id": False, "name": False, "timestamp": False, "created_at": False, "updated_at": True,
    },
    "chat_messages": {
        "id": False, "chat_id": False, "content": False, "role": False, "provider": False, "timestamp": False,
        "created_at": False,
    },
    "ai_providers": {
        "id": False, "name": False, "base_urls": False, "default_model": False, "requires_auth": False,
        "auth_header": False, "created_at": False, "updated_at": True,
    },
}

SEED_TABLES = tuple(SEED_SCHEMA)
