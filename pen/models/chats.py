from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column

from pen.extensions import db
from pen.orm import LongText, Timestamp, now_ms, utcnow


class Chat(db.Model):
    __tablename__ = "chats"
    __table_args__ = (Index(None, "user_id", "timestamp"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(191))
    timestamp: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, server_default=now_ms())  # last activity
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, server_default=now_ms())
    updated_at: Mapped[datetime | None] = mapped_column(Timestamp, onupdate=utcnow)

    # Pen's additive columns.
    provider: Mapped[str | None] = mapped_column(String(191))
    model: Mapped[str | None] = mapped_column(String(191))
    system_prompt: Mapped[str | None] = mapped_column(LongText)

    def __repr__(self) -> str:
        return f"<Chat {self.id}>"


class Message(db.Model):
    """One turn of a chat (`chat_messages`).

    Branching: `parent_id` is the message this one answers or follows; siblings share a parent.
    `active` marks the branch currently shown (one root-to-leaf path per chat).
    """

    __tablename__ = "chat_messages"
    __table_args__ = (Index(None, "chat_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"))
    content: Mapped[str] = mapped_column(LongText)
    role: Mapped[str] = mapped_column(String(50))
    provider: Mapped[str] = mapped_column(String(100))
    timestamp: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, server_default=now_ms())
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, server_default=now_ms())

    # Pen's additive columns.
    model: Mapped[str | None] = mapped_column(String(191))
    status: Mapped[str] = mapped_column(String(20), default="complete", server_default="complete")
    error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(32))
    finish_reason: Mapped[str | None] = mapped_column(String(32))
    input_tokens: Mapped[int | None] = mapped_column(Integer)
    output_tokens: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)  # time to first token
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    stop_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime | None] = mapped_column(Timestamp)  # checkpoint heartbeat while streaming

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.role}>"
