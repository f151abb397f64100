from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pen.extensions import db
from pen.models.users import pen_system_flag
from pen.orm import LongText, Timestamp, now_ms, utcnow


class Prompt(db.Model):
    __tablename__ = "prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    prompt_name: Mapped[str] = mapped_column(String(191))
    prompt_text: Mapped[str] = mapped_column(LongText)
    created_datetime: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, server_default=now_ms())
    updated_datetime: Mapped[datetime | None] = mapped_column(Timestamp, onupdate=utcnow)
    system_flag: Mapped[str] = mapped_column(String(20), default=pen_system_flag, server_default="WINGMAN")

    def __repr__(self) -> str:
        return f"<Prompt {self.id}>"
