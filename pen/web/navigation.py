"""The sidebar's account links."""

from dataclasses import dataclass

from flask import request
from flask_login import current_user


@dataclass(frozen=True)
class NavLink:
    label: str
    endpoint: str
    icon: str
    admin_only: bool = False


NAV_LINKS = (
    NavLink("Prompts", "prompts.index", "book"),
    NavLink("Settings", "settings.index", "settings"),
    NavLink("Admin", "admin.index", "shield", admin_only=True),
)


def nav_links() -> list[tuple[NavLink, bool]]:
    """(link, is_current) for the links this user may see."""
    links = []
    for link in NAV_LINKS:
        if link.admin_only and not current_user.is_admin:
            continue
        blueprint = link.endpoint.split(".")[0]
        links.append((link, request.blueprint == blueprint))
    return links
