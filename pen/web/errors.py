"""Friendly error pages; for htmx requests, a small notice swapped into the page's toast area."""

import logging

from flask import Flask, Response, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from pen.auth.session import unauthorized
from pen.extensions import db
from pen.web.htmx import is_htmx

PUBLIC_FORMS = {"auth.signin", "auth.signup", "auth.signout"}

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You don't have access to this page."),
    404: ("Not found", "There is nothing here. The link may be old, or the page was deleted."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "That upload or message is larger than this server accepts."),
    422: ("Not accepted", "Some of what you sent was not valid."),
    429: ("Slow down", "Too many attempts in a short time. Wait a minute and try again."),
    500: ("Something went wrong", "An unexpected error happened on the server. It has been logged."),
}


def error_response(status: int, message: str | None = None) -> Response:
    title, default_message = MESSAGES.get(status, ("Error", "Something went wrong."))
    context = {"status": status, "title": title, "message": message or default_message}
    if is_htmx():
        response = make_response(render_template("errors/_toast.html", **context), status)
        response.headers["HX-Retarget"] = "#toasts"
        response.headers["HX-Reswap"] = "beforeend"
    else:
        response = make_response(render_template("errors/error.html", **context), status)
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        log.info("CSRF check failed: %s", error.description)
        if not current_user.is_authenticated and request.endpoint not in PUBLIC_FORMS:
            return unauthorized()  # the session ended: sign in again (401 + HX-Redirect for htmx)
        if is_htmx():
            response = make_response("", 400)
            response.headers["HX-Refresh"] = "true"
            return response
        return error_response(400, "Your session expired or the form was stale. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        message = error.description if error.code == 429 else None
        return error_response(error.code, _limit_message(message))

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        log.error("Unhandled error", exc_info=error.original_exception)
        return error_response(500)


def _limit_message(description: str | None) -> str | None:
    if not description:
        return None
    return f"Too many attempts ({description}). Wait a moment and try again."
