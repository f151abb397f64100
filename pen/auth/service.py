"""Accounts: sign-up (the first account becomes admin), sign-in, password and account changes."""

import logging
import secrets

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from pen.extensions import db
from pen.models import Chat, Connection, Message, Prompt, Setting, User
from pen.security.passwords import hash_password, verify_password

log = logging.getLogger(__name__)

FIRST_ADMIN_CLAIM = "first_admin_claimed_by"


class EmailTaken(Exception):
    pass


class LastAdmin(Exception):
    """The action would leave the instance without an admin."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def signup_open() -> bool:
    """Sign-up is open by config, and always for the very first account."""
    return current_app.config["PEN_SIGNUP"] != "closed" or user_count() == 0


def create_account(name: str, email: str, password: str) -> User:
    """Create a user; the first account ever created (exactly one, even under a race) becomes admin."""
    was_empty = user_count() == 0
    user = User(
        name=name.strip(), email=normalise_email(email), password=hash_password(password), session_nonce=new_nonce()
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise EmailTaken(email) from exc
    if was_empty and claim_first_admin(user):
        user.is_admin = True
        db.session.commit()
    log.info("account created: user=%s admin=%s", user.id, user.is_admin)
    return user


def claim_first_admin(user: User) -> bool:
    """Insert the one-time claim row; the primary key lets exactly one claimant win."""
    db.session.add(Setting(key=FIRST_ADMIN_CLAIM, value=str(user.id)))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, upgrading a legacy password hash when allowed."""
    user = find_user_by_email(email)
    ok, needs_rehash = verify_password(user.password if user else None, password)
    if not ok:
        return None
    if needs_rehash and (user.is_pen_row or current_app.config["PEN_UPGRADE_ALL_LEGACY"]):
        user.password = hash_password(password)
        db.session.commit()
        log.info("password hash upgraded: user=%s", user.id)
    return user


def new_nonce() -> str:
    return secrets.token_hex(8)


def set_password(user: User, password: str) -> None:
    """Store a new password; every other session and remember-me cookie of the user ends."""
    user.password = hash_password(password)
    user.session_nonce = new_nonce()
    db.session.commit()


def update_profile(user: User, name: str, email: str) -> None:
    user.name = name.strip()
    user.email = normalise_email(email)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise EmailTaken(email) from exc


def active_admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.is_admin.is_(True), User.is_active_account.is_(True))
    )


def is_last_active_admin(user: User) -> bool:
    return user.is_admin and user.is_active_account and active_admin_count() <= 1


def delete_user(user: User, heir: User | None = None) -> None:
    """Delete a user and everything they own, in one transaction. Keys they shared with everyone
    pass to `heir`, or to another active admin, so nobody else loses them. (Replies still being
    written for their chats stop: the generations see their rows go.)"""
    if is_last_active_admin(user):
        raise LastAdmin()
    from pen.auth.avatars import remove_avatar_file

    heir = heir or db.session.scalars(
        select(User).where(User.is_admin.is_(True), User.is_active_account.is_(True), User.id != user.id)
        .order_by(User.id)
    ).first()
    if heir is not None:
        db.session.execute(
            update(Connection).where(Connection.user_id == user.id, Connection.is_shared.is_(True)).values(user_id=heir.id)
        )
    avatar = user.profile_image
    chat_ids = select(Chat.id).where(Chat.user_id == user.id).scalar_subquery()
    db.session.execute(delete(Message).where(Message.chat_id.in_(chat_ids)))
    db.session.execute(delete(Chat).where(Chat.user_id == user.id))
    db.session.execute(delete(Prompt).where(Prompt.user_id == user.id))
    db.session.execute(delete(Connection).where(Connection.user_id == user.id))
    db.session.delete(user)
    db.session.commit()
    remove_avatar_file(avatar)
    log.info("account deleted: user=%s", user.id)
