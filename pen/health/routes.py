"""`GET /healthz` for load balancers, the benchmarks and `make run`'s readiness check.

No sign-in, no rate limit, one `SELECT 1`; it tells nothing about the server (no version, path
or database URL), only whether it can reach its database.
"""

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pen.extensions import db, limiter

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)
limiter.exempt(bp)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        body, status = {"status": "ok"}, 200
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("health check: the database is unreachable (%s)", type(exc).__name__)
        body, status = {"status": "unavailable"}, 503
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
