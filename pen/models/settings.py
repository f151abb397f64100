from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pen.extensions import db


class Setting(db.Model):
    """Instance-wide settings an admin changes at run time, and one-time claims (first admin)."""

    __tablename__ = "pen_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
