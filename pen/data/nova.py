"""`flask import-nova`: users, chats and Groq keys from a Nova AI Chatbot (Django) database.

Nova keeps Django's `auth_user`, one Q&A row per exchange in `chatbot_chat` and one Fernet-encrypted
Groq key per user in `chatbot_userapikey`. Each Nova user becomes a Pen user (matched by email
when one exists; Django `pbkdf2_sha256$` hashes are kept and upgraded at sign-in), their rows
become one chat "Imported from Nova", and with Nova's Fernet key their Groq key is re-encrypted
under Pen's key. One transaction; running it again imports only what is new.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import InvalidToken, MultiFernet
from sqlalchemy import Engine, MetaData, Table, create_engine, inspect, select
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from pen.auth.service import find_user_by_email, new_nonce, normalise_email
from pen.connections import own_connection
from pen.data.restore import NAME_MAX, NewChat, NewMessage, append_messages, clip, save_chats
from pen.database import describe_url, normalise_url
from pen.extensions import db
from pen.models import Chat, Connection, Message, User
from pen.security.passwords import hash_format, hash_password
from pen.security.secrets import InvalidEncryptionKey, encrypt, parse_keys

log = logging.getLogger(__name__)

CHAT_NAME = "Imported from Nova"
PROVIDER = "Groq"
REQUIRED = {
    "auth_user": {"id", "username", "email", "password", "is_active", "date_joined"},
    "chatbot_chat": {"id", "user_id", "message", "response", "created_at"},
}
KEYS_TABLE = "chatbot_userapikey"
KEYS_COLUMNS = {"user_id", "encrypted_key", "selected_model"}
NO_REPLY = "Nova saved no reply for this message."


class NovaError(Exception):
    """The import cannot start (bad URL, unreachable, not a Nova database, bad key); nothing was written."""


@dataclass
class NovaReport:
    source: str = ""
    users_created: int = 0
    users_matched: int = 0
    skipped_users: list[str] = field(default_factory=list)  # Nova usernames without a usable email
    new_password_needed: list[str] = field(default_factory=list)  # emails: Nova hash Pen cannot verify
    chats_created: int = 0
    chats_extended: int = 0
    messages: int = 0
    keys_imported: int = 0
    keys_present: int = 0  # the Pen user already has a Groq key: kept
    keys_without_fernet_key: int = 0
    unreadable_keys: list[str] = field(default_factory=list)  # Nova usernames
    has_keys_table: bool = True


def import_nova(url: str, fernet_key: str | None = None) -> NovaReport:
    cipher = nova_cipher(fernet_key)
    engine = open_source(url)
    try:
        tables = nova_tables(engine)
        report = NovaReport(source=describe_url(engine.url), has_keys_table=KEYS_TABLE in tables)
        with engine.connect() as source:
            keys = read_keys(source, tables.get(KEYS_TABLE))
            users = tables["auth_user"]
            for nova_user in source.execute(select(users).order_by(users.c.id)).mappings().all():
                import_user(source, tables["chatbot_chat"], nova_user, keys.get(nova_user["id"]), cipher, report)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise NovaError(f"reading the Nova database failed, nothing was imported: {first_line(exc)}") from exc
    except Exception:
        db.session.rollback()
        raise
    finally:
        engine.dispose()
    log.info("nova import: %s users created, %s messages", report.users_created, report.messages)
    return report


def nova_cipher(fernet_key: str | None) -> MultiFernet | None:
    if not fernet_key:
        return None
    try:
        return MultiFernet(parse_keys(fernet_key))
    except InvalidEncryptionKey as exc:
        raise NovaError("--fernet-key is not a Fernet key (32 url-safe base64-encoded bytes; several: comma-separated)") from exc


def open_source(url: str) -> Engine:
    """An engine for the Nova database, refusing URLs that do not point at an existing database."""
    try:
        parsed = normalise_url(url, str(Path.cwd()))
    except ArgumentError as exc:
        raise NovaError(f"--database-url is not a database URL: {first_line(exc)}") from exc
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).is_file()):
        raise NovaError(f"no SQLite database file at {parsed.database or '(none given)'}")
    try:
        engine = create_engine(parsed)
        with engine.connect():
            pass
    except ModuleNotFoundError as exc:
        raise NovaError(f"no database driver for {parsed.drivername}") from exc
    except SQLAlchemyError as exc:
        raise NovaError(f"cannot reach the Nova database at {describe_url(parsed)}: {first_line(exc)}") from exc
    return engine


def first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def nova_tables(engine: Engine) -> dict[str, Table]:
    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    missing = [name for name in REQUIRED if name not in present]
    if missing:
        raise NovaError(f"not a Nova database: no {', '.join(missing)} table (found: {', '.join(sorted(present)) or 'no tables'})")
    wanted = dict(REQUIRED)
    if KEYS_TABLE in present:
        wanted[KEYS_TABLE] = KEYS_COLUMNS
    metadata = MetaData()
    tables = {}
    for name, columns in wanted.items():
        table = Table(name, metadata, autoload_with=engine)
        lacking = sorted(columns - set(table.c.keys()))
        if lacking:
            raise NovaError(f"not a Nova database: {name} has no column {', '.join(lacking)}")
        tables[name] = table
    return tables


def read_keys(source, table: Table | None) -> dict[int, dict]:
    if table is None:
        return {}
    return {row["user_id"]: dict(row) for row in source.execute(select(table)).mappings()}


def import_user(source, chats: Table, nova_user, key_row: dict | None, cipher, report: NovaReport) -> None:
    email = normalise_email(nova_user["email"] or "")
    if not email or "@" not in email or len(email) > NAME_MAX:
        report.skipped_users.append(nova_user["username"])
        return
    model = (key_row or {}).get("selected_model") or None
    user = find_user_by_email(email)
    if user is None:
        user = create_user(nova_user, email, model, report)
    else:
        report.users_matched += 1
    rows = source.execute(select(chats).where(chats.c.user_id == nova_user["id"]).order_by(chats.c.created_at, chats.c.id))
    import_chat(user.id, list(rows.mappings()), model, report)
    if key_row is not None:
        import_key(user, nova_user["username"], key_row, cipher, report)


def create_user(nova_user, email: str, model: str | None, report: NovaReport) -> User:
    full_name = " ".join(part for part in (nova_user.get("first_name"), nova_user.get("last_name")) if part).strip()
    password = pen_password(nova_user["password"] or "")
    if password is None:
        report.new_password_needed.append(email)
        password = hash_password(new_nonce() + new_nonce())  # nobody knows it: an admin sets a new one
    user = User(
        name=clip(full_name or nova_user["username"], NAME_MAX), email=email, password=password,
        created_at=naive_utc(nova_user["date_joined"]), is_active_account=bool(nova_user["is_active"]),
        session_nonce=new_nonce(), default_provider=PROVIDER if model else None, default_model=model,
    )
    db.session.add(user)
    db.session.flush()
    report.users_created += 1
    return user


def pen_password(django_hash: str) -> str | None:
    """A value Pen can verify: Django's pbkdf2_sha256 as it is, its argon2id/bcrypt in their own format."""
    if django_hash.startswith("argon2$argon2id$"):
        candidate = django_hash[len("argon2"):]
    elif django_hash.startswith("bcrypt$$2"):
        candidate = django_hash[len("bcrypt$"):]
    else:
        candidate = django_hash
    if hash_format(candidate) in ("django", "argon2id", "bcrypt") and len(candidate) <= 191:
        return candidate
    return None  # unusable ("!…"), empty, or a hasher Pen does not verify: never stored as if plain text


def import_chat(user_id: int, rows: list, model: str | None, report: NovaReport) -> None:
    """All of a user's Nova rows as one chat; on a later run only rows not imported yet are appended."""
    if not rows:
        return
    chat = db.session.scalars(
        select(Chat).where(Chat.user_id == user_id, Chat.name == CHAT_NAME, Chat.provider == PROVIDER).order_by(Chat.id)
    ).first()
    seen = imported_questions(chat.id) if chat else set()
    fresh = [row for row in rows if (ms(naive_utc(row["created_at"])), row["message"]) not in seen]
    if not fresh:
        return
    messages = exchange_messages(fresh, model)
    if chat is None:
        save_chats(user_id, [NewChat(CHAT_NAME, messages, provider=PROVIDER, model=model)])
        report.chats_created += 1
    else:
        last = db.session.scalar(select(Message.id).where(Message.chat_id == chat.id, Message.active.is_(True))
                                 .order_by(Message.id.desc()).limit(1))
        append_messages(chat.id, messages, parent_id=last)
        chat.timestamp = max(chat.timestamp, messages[-1].timestamp)
        report.chats_extended += 1
    report.messages += len(messages)


def imported_questions(chat_id: int) -> set[tuple[datetime, str]]:
    rows = db.session.execute(select(Message.timestamp, Message.content).where(Message.chat_id == chat_id, Message.role == "user"))
    return {(ms(stamp), content) for stamp, content in rows}


def exchange_messages(rows: list, model: str | None) -> list[NewMessage]:
    """Each Nova row is a question and its answer: a user message, then an assistant message under it."""
    messages = []
    for row in rows:
        stamp = ms(naive_utc(row["created_at"]))
        parent = len(messages) - 1 if messages else None
        messages.append(NewMessage("user", row["message"] or "", PROVIDER, model, timestamp=stamp, parent=parent))
        answer = row["response"] or ""
        status, extra = ("complete", {}) if answer.strip() else ("error", {"error": NO_REPLY})
        messages.append(NewMessage("assistant", answer, PROVIDER, model, status=status, timestamp=stamp,
                                   parent=len(messages) - 1, extra=extra))
    return messages


def import_key(user: User, username: str, key_row: dict, cipher: MultiFernet | None, report: NovaReport) -> None:
    if cipher is None:
        report.keys_without_fernet_key += 1
        return
    try:
        plain = cipher.decrypt((key_row["encrypted_key"] or "").encode()).decode()
    except (InvalidToken, UnicodeDecodeError, TypeError):
        report.unreadable_keys.append(username)
        return
    if own_connection(user, PROVIDER) is not None:
        report.keys_present += 1
        return
    created = naive_utc(key_row.get("created_at")) or None
    db.session.add(Connection(user_id=user.id, api_key=encrypt(plain), api_provider=PROVIDER,
                              selected_model=key_row.get("selected_model") or None,
                              **({"created_at": created} if created else {})))
    db.session.flush()
    report.keys_imported += 1


def naive_utc(value) -> datetime | None:
    """Django stores UTC (aware on PostgreSQL, naive text on SQLite); Pen stores naive UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def ms(value: datetime | None) -> datetime | None:
    """Millisecond precision, as every backend stores Pen's timestamps."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000) if value else None
