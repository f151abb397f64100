from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from pen.extensions import db
from pen.orm import Timestamp, now_ms, utcnow


def pen_system_flag() -> str:
    return current_app.config["PEN_SYSTEM_FLAG"]


class User(UserMixin, db.Model):
    __tablename__ = "users"

    # Seed columns (shared with Wingman): exact names, types and defaults.
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(191))
    email: Mapped[str] = mapped_column(String(191), unique=True)
    password: Mapped[str] = mapped_column(String(191))
    profile_image: Mapped[str | None] = mapped_column("profileImage", String(191))
    created_at: Mapped[datetime] = mapped_column("createdAt", Timestamp, default=utcnow, server_default=now_ms())
    system_flag: Mapped[str] = mapped_column(String(20), default=pen_system_flag, server_default="WINGMAN")

    # Pen's additive columns.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_active_account: Mapped[bool] = mapped_column("is_active", Boolean, default=True, server_default=true())
    # Rotated when the password changes: sessions and remember-me cookies carry it, so old ones die.
    session_nonce: Mapped[str | None] = mapped_column(String(32))
    default_provider: Mapped[str | None] = mapped_column(String(191))
    default_model: Mapped[str | None] = mapped_column(String(191))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce or ''}"

    @property
    def is_pen_row(self) -> bool:
        return self.system_flag == current_app.config["PEN_SYSTEM_FLAG"]

    def __repr__(self) -> str:
        return f"<User {self.id}>"
