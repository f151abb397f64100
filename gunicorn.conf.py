"""gunicorn settings for `make run` and production: threads hold long streams, never the sync worker."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("PEN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("PEN_THREADS", 64))
timeout = 30  # gthread: a heartbeat from the worker's main thread, not a per-request limit
graceful_timeout = int(os.environ.get("PEN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
preload_app = True  # import the app once in the master; workers share it copy-on-write
accesslog = os.environ.get("PEN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def post_fork(server, worker):
    """A forked worker must not reuse database connections opened before the fork."""
    from pen.extensions import db

    with worker.app.wsgi().app_context():
        db.engine.dispose(close=False)


def when_ready(server):
    server.log.info("Pen is ready on http://%s", bind)
