from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from pen.extensions import db
from pen.orm import Timestamp, now_ms, utcnow


class Connection(db.Model):
    """A user's API key for one provider (`ai_connections`). `api_key` holds a Fernet token."""

    __tablename__ = "ai_connections"
    __table_args__ = (Index(None, "user_id", "apiProvider"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    api_key: Mapped[str] = mapped_column("apiKey", String(1024))  # widened from 191 for ciphertext
    api_provider: Mapped[str] = mapped_column("apiProvider", String(191))  # ai_providers.name
    created_at: Mapped[datetime] = mapped_column("createdAt", Timestamp, default=utcnow, server_default=now_ms())
    updated_at: Mapped[datetime | None] = mapped_column("updatedAt", Timestamp, onupdate=utcnow)

    # Pen's additive columns.
    selected_model: Mapped[str | None] = mapped_column(String(191))
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<Connection {self.id} {self.api_provider!r}>"
