"""Logging with a request id on every line; never keys, passwords or prompts."""

import logging
import re
import secrets

from flask import Flask, g, has_request_context, request

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def init_app(app: Flask) -> None:
    pen_logger = logging.getLogger("pen")
    if not any(existing.get_name() == "pen" for existing in pen_logger.handlers):
        handler = logging.StreamHandler()
        handler.set_name("pen")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
        handler.addFilter(RequestIdFilter())
        pen_logger.addHandler(handler)
    pen_logger.setLevel(app.config["LOG_LEVEL"])
    pen_logger.propagate = True

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else secrets.token_hex(6)

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        return response
