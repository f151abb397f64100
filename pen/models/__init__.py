"""Pen's tables: the seed schema shared with Wingman, plus Pen's additive columns and tables."""

from pen.models.chats import Chat, Message
from pen.models.connections import Connection
from pen.models.prompts import Prompt
from pen.models.providers import Provider
from pen.models.settings import Setting
from pen.models.users import User

__all__ = ["Chat", "Connection", "Message", "Prompt", "Provider", "Setting", "User"]
