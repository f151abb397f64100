"""gunicorn settings for `make run` and production: threads hold long streams, never the sync worker.

Every setting can be changed from the environment (README, "Production"):

- one process per core (`PEN_WORKERS`), each with a pool of `PEN_THREADS` threads; a streaming
  reply holds one pool thread (plus the reply's own generation thread) for as long as it is
  streamed, so the pool, not the CPU, caps the number of open streams. The threads are started
  on demand: an idle server has a handful. `bench/` measures 500 streams on 2 cores.
- `timeout` is gthread's heartbeat from each worker's main loop, not a limit on a request: a
  stream may last as long as the provider takes.
- Graceful shutdown (SIGTERM, or a reload with SIGHUP): a worker stops accepting, lets running
  replies finish for most of `graceful_timeout`, then stops the rest; a stopped reply is saved
  with its text so far and status `stopped` before the worker exits. A quick shutdown (SIGINT,
  SIGQUIT) stops and saves them at once.
"""

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import threading
import time


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return multiprocessing.cpu_count()


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = _env_int("PEN_WORKERS", _cores())
worker_class = "gthread"
threads = _env_int("PEN_THREADS", 512)  # open streams per worker (threads start when needed)
worker_connections = _env_int("PEN_WORKER_CONNECTIONS", 2 * threads)  # streams + idle kept-alive connections
backlog = 2048
timeout = 30  # gthread: a heartbeat from the worker's main thread, not a per-request limit
graceful_timeout = _env_int("PEN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
preload_app = True  # import the app once in the master; workers share it copy-on-write
accesslog = os.environ.get("PEN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's control socket (`gunicornc`) is off unless asked for: it is one path per user, which
# two servers on one machine would fight over, and it costs the master a thread and asyncio.
control_socket_disable = not os.environ.get("PEN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["PEN_CONTROL_SOCKET"]


def _limit_malloc_arenas(count: int) -> None:
    """glibc gives each busy thread its own malloc arena (up to 8 per core); with hundreds of
    stream threads they fragment and hold memory. Two arenas measured ~15% less memory per open
    stream (bench/RESULTS.md). Set here, in the master, before any worker or thread exists; an
    explicit MALLOC_ARENA_MAX in the environment wins."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt(-8, count)  # -8: M_ARENA_MAX


_limit_malloc_arenas(_env_int("PEN_MALLOC_ARENAS", 2))

DRAIN_MARGIN = min(5.0, graceful_timeout / 3)  # seconds kept, out of graceful_timeout, to save stopped replies


def pre_fork(server, worker):
    """Move the preloaded app's objects out of the garbage collector's reach before the fork: a
    collection in a worker would otherwise write to every one of them and copy (un-share) the
    pages they sit on."""
    gc.freeze()


def post_fork(server, worker):
    """A forked worker must not reuse database connections opened before the fork."""
    from pen.extensions import db

    with worker.app.wsgi().app_context():
        db.engine.dispose(close=False)


def post_worker_init(worker):
    """On SIGTERM, besides gunicorn's own graceful stop, drain the replies this worker generates."""
    stop_accepting = worker.handle_exit
    started = []

    def handle_term(sig, frame):
        stop_accepting(sig, frame)
        if not started:
            started.append(threading.Thread(target=_drain, args=(worker,), name="pen-drain", daemon=True))
            started[0].start()

    signal.signal(signal.SIGTERM, handle_term)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn: the signal must not break a request's I/O


def worker_int(worker):
    """SIGINT/SIGQUIT (quick shutdown): stop the live replies now; each saves its text as `stopped`."""
    _stop_generations(worker, timeout=1.5)


def worker_exit(server, worker):
    """The last word of a worker: no reply may be left `streaming` with nobody writing it."""
    if worker.pid == os.getpid():  # the master also calls this for a worker that is already gone
        _stop_generations(worker, timeout=DRAIN_MARGIN)


def when_ready(server):
    server.log.info("Pen: %d worker(s) x %d threads on http://%s", workers, threads, bind)


def _generations(worker):
    app = getattr(worker, "wsgi", None)
    extensions = getattr(app, "extensions", None) or {}
    return extensions.get("pen_generations")  # created with the first reply; absent when there was none


def _drain(worker):
    """Let running replies finish while there is time, then stop the rest (saved as `stopped`).
    Once every reply has ended, its stream sends the final message and closes, and gthread,
    which waits for open connections, lets the worker exit before the master's deadline."""
    registry = _generations(worker)
    if registry is None:
        return
    deadline = time.monotonic() + max(0.0, graceful_timeout - DRAIN_MARGIN)
    if not registry.wait_idle(timeout=max(0.0, deadline - time.monotonic())):
        worker.log.info("stopping the replies still being written (graceful timeout)")
        registry.shutdown(timeout=DRAIN_MARGIN / 2)


def _stop_generations(worker, timeout: float):
    registry = _generations(worker)
    if registry is not None:
        registry.shutdown(timeout=timeout)
