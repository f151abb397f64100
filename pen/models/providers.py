from datetime import datetime

from sqlalchemy import JSON, Boolean, String, true
from sqlalchemy.orm import Mapped, mapped_column

from pen.extensions import db
from pen.orm import Timestamp, now_ms, utcnow


class Provider(db.Model):
    """An LLM provider the admin curates (`ai_providers`); users' keys refer to it by name."""

    __tablename__ = "ai_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(191))
    base_urls: Mapped[list[str]] = mapped_column(JSON)  # tried in order (failover)
    default_model: Mapped[str] = mapped_column(String(191))
    requires_auth: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    auth_header: Mapped[str] = mapped_column(String(191))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, server_default=now_ms())
    updated_at: Mapped[datetime | None] = mapped_column(Timestamp, onupdate=utcnow)

    # Pen's additive columns.
    api_style: Mapped[str] = mapped_column(String(20), default="openai", server_default="openai")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    models: Mapped[list[str] | None] = mapped_column(JSON)  # cached model list
    models_refreshed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    extra_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<Provider {self.name!r}>"
