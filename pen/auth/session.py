"""Flask-Login wiring: who is signed in, and what an anonymous request gets."""

from urllib.parse import urlsplit

from flask import Flask, make_response, request, url_for

from pen.extensions import db, login_manager
from pen.models import User
from pen.web.htmx import is_htmx, redirect_to, safe_next


def load_user(session_id: str) -> User | None:
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or (user.session_nonce or "") != nonce or not user.is_active:
        return None
    return user


def unauthorized():
    """Anonymous: browsers are redirected to sign-in; htmx requests get 401 + HX-Redirect."""
    if is_htmx():
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        next_path = safe_next(current.path + (f"?{current.query}" if current.query else ""), "")
        response = make_response("", 401)
        response.headers["HX-Redirect"] = url_for("auth.signin", next=next_path or None)
        return response
    next_path = safe_next(request.full_path.rstrip("?"), "")
    return redirect_to(url_for("auth.signin", next=next_path or None))


def init_login(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = "basic"
