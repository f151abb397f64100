"""`wsgi:app` with two response headers for the page benchmark: `Server-Timing: app;dur=<ms>`
(from the WSGI call to `start_response`: routing, queries, rendering) and `X-Queries: <n>`
(SQL statements this request's thread sent, counted with SQLAlchemy's `before_cursor_execute`).

gunicorn serves it with the repo's `gunicorn.conf.py`: `gunicorn -c gunicorn.conf.py bench.instrumented:app`.
"""

import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

from wsgi import app as flask_app

_local = threading.local()


@event.listens_for(Engine, "before_cursor_execute")
def _count(conn, cursor, statement, parameters, context, executemany):
    _local.queries = getattr(_local, "queries", 0) + 1


class Instrumented:
    """The Flask app behind a timing and query-counting WSGI wrapper (attributes pass through,
    so gunicorn's hooks still find `app_context()` and `extensions`)."""

    def __init__(self, app):
        self._app = app

    def __getattr__(self, name):
        return getattr(self._app, name)

    def __call__(self, environ, start_response):
        _local.queries = 0
        started = time.perf_counter()

        def start(status, headers, exc_info=None):
            headers.append(("Server-Timing", f"app;dur={(time.perf_counter() - started) * 1000:.3f}"))
            headers.append(("X-Queries", str(_local.queries)))
            return start_response(status, headers, exc_info)

        return self._app(environ, start)


app = Instrumented(flask_app)
