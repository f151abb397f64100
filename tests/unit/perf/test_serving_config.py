"""gunicorn.conf.py (threads for hundreds of streams, timeouts that spare long streams, graceful
shutdown hooks) and the readiness check `make run` prints."""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from gunicorn.config import Config

from pen.health.ready import probe_url, wait_ready

ROOT = Path(__file__).resolve().parents[3]


def load(monkeypatch, **env) -> tuple[Config, dict]:
    for name in ("PEN_WORKERS", "PEN_THREADS", "PEN_GRACEFUL_TIMEOUT", "PEN_WORKER_CONNECTIONS", "PEN_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace: dict = {"__file__": str(ROOT / "gunicorn.conf.py")}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    return config, namespace


def test_defaults_hold_hundreds_of_streams_per_core(monkeypatch):
    config, _ = load(monkeypatch)
    assert config.worker_class_str == "gthread"
    assert config.workers == len(os.sched_getaffinity(0))
    assert config.threads >= 256 and config.worker_connections >= config.threads
    assert config.preload_app is True
    assert config.timeout >= 30 and config.graceful_timeout >= 10
    assert config.control_socket_disable is True


def test_environment_overrides(monkeypatch):
    config, namespace = load(monkeypatch, PEN_WORKERS="3", PEN_THREADS="100", PEN_GRACEFUL_TIMEOUT="12")
    assert (config.workers, config.threads, config.graceful_timeout) == (3, 100, 12)
    assert config.worker_connections == 200
    assert namespace["DRAIN_MARGIN"] == 4


class FakeRegistry:
    def __init__(self):
        self.shutdowns = []

    def shutdown(self, timeout):
        self.shutdowns.append(timeout)

    def wait_idle(self, timeout):
        return False


class FakeWorker:
    def __init__(self, pid, registry):
        self.pid = pid
        self.wsgi = type("App", (), {"extensions": {"pen_generations": registry} if registry else {}})()
        self.log = type("Log", (), {"info": lambda *args: None})()


def test_worker_exit_and_worker_int_stop_live_replies_in_the_worker_only(monkeypatch):
    _, hooks = load(monkeypatch)
    registry = FakeRegistry()
    hooks["worker_exit"](None, FakeWorker(os.getpid() + 1, registry))  # the master, for a worker already gone
    assert registry.shutdowns == []
    hooks["worker_exit"](None, FakeWorker(os.getpid(), registry))
    hooks["worker_int"](FakeWorker(os.getpid(), registry))
    assert len(registry.shutdowns) == 2
    hooks["worker_exit"](None, FakeWorker(os.getpid(), None))  # no reply was ever started: nothing to do


def test_drain_stops_what_did_not_finish_in_time(monkeypatch):
    _, hooks = load(monkeypatch, PEN_GRACEFUL_TIMEOUT="0")
    registry = FakeRegistry()
    hooks["_drain"](FakeWorker(os.getpid(), registry))
    assert registry.shutdowns == [0.0]


@pytest.mark.parametrize(("base", "url"), [
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000/healthz"),
    ("http://0.0.0.0:8000", "http://127.0.0.1:8000/healthz"),
    ("http://[::]:8080", "http://[::1]:8080/healthz"),
    ("http://pen.example", "http://pen.example/healthz"),
])
def test_readiness_probe_url(base, url):
    assert probe_url(base) == url


def serve(status: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(("status", "ready"), [(200, True), (503, False)])
def test_wait_ready_needs_a_200(status, ready):
    server = serve(status)
    try:
        answered, _ = wait_ready(f"http://127.0.0.1:{server.server_address[1]}", timeout=0.5)
        assert answered is ready
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("raw", ["sqlite:////tmp/pen.db", "postgresql+psycopg://u@h/db", "mysql+pymysql://u@h/db"])
def test_a_burst_waits_for_a_database_connection_instead_of_failing_after_30_s(raw):
    from sqlalchemy.engine import make_url

    from pen.database import engine_options

    assert engine_options(make_url(raw))["pool_timeout"] >= 60


def test_an_in_memory_sqlite_database_keeps_its_single_connection_pool():
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from pen.database import engine_options

    url = make_url("sqlite://")
    engine = create_engine(url, **engine_options(url))
    assert "pool_timeout" not in engine_options(url)
    engine.dispose()
