"""Admin work on accounts: search and paginate, admin and active flags, password resets, deletion.
The instance never loses its last (active) admin."""

import logging
import secrets

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select

from pen.auth import service as accounts
from pen.auth.service import LastAdmin
from pen.extensions import db
from pen.models import User
from pen.web.fields import contains

log = logging.getLogger(__name__)

PAGE_SIZE = 25
WINGMAN = "WINGMAN"

__all__ = ["PAGE_SIZE", "LastAdmin", "NotOnYourself", "delete_user", "reset_password", "search", "set_active", "set_admin"]


class NotOnYourself(Exception):
    """An admin cannot deactivate or delete their own account from the admin page."""


def search(query: str | None, page: int) -> Pagination:
    """Users whose name or email contains `query`, `PAGE_SIZE` a page (LIMIT/OFFSET and a count)."""
    statement = select(User).order_by(User.id)
    if query:
        statement = statement.where(or_(contains(User.name, query), contains(User.email, query)))
    return db.paginate(statement, page=max(page, 1), per_page=PAGE_SIZE, error_out=False, count=True)


def set_admin(user: User, admin: bool) -> None:
    if not admin and accounts.is_last_active_admin(user):
        raise LastAdmin()
    user.is_admin = admin
    db.session.commit()
    log.info("admin flag changed: user=%s admin=%s", user.id, admin)


def set_active(user: User, active: bool, acting: User) -> None:
    """Deactivated users are signed out at their next request and cannot sign in."""
    if not active and user.id == acting.id:
        raise NotOnYourself()
    if not active and accounts.is_last_active_admin(user):
        raise LastAdmin()
    user.is_active_account = active
    db.session.commit()
    log.info("account %s: user=%s", "activated" if active else "deactivated", user.id)


def reset_password(user: User, password: str | None = None) -> str | None:
    """Set `password`, or a one-time temporary one which is returned (to be shown once, never
    stored in plain text nor logged). The user's other sessions end either way."""
    temporary = None if password else secrets.token_urlsafe(12)
    accounts.set_password(user, password or temporary)
    log.info("password reset by an admin: user=%s temporary=%s", user.id, temporary is not None)
    return temporary


def delete_user(user: User, acting: User) -> None:
    """Delete the account and everything it owns; keys it shared with everyone pass to `acting`."""
    if user.id == acting.id:
        raise NotOnYourself()
    try:
        accounts.delete_user(user, heir=acting)
    except LastAdmin:
        db.session.rollback()
        raise
