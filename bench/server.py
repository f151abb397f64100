"""The system under test: a fresh database (seeded), the fake provider and gunicorn, on loopback.

    with Bench(database_url=None, seed_options) as bench:        # SQLite in a temporary folder
        server = bench.start_server()                            # gunicorn -c gunicorn.conf.py wsgi:app
        session = bench.sign_in(server, seed.STREAM_EMAIL)       # cookie + CSRF token, as htmx sends them
        ...
        server.stop()

gunicorn runs exactly as in production (`PEN_ENV=production`, the repo's `gunicorn.conf.py`);
the only settings changed are the ones a benchmark must change: the send rate limit (one user
sends hundreds of messages a minute here), no access log, and warnings-only logging.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy import select

from bench import proc, seed
from pen.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105
ENCRYPTION_KEY = "KPh4GR-MeUlppLj1OVwDNQYTfwCPRBw0XHalt4HVXR0="
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on port {port}")


def healthz(port: int, timeout: float = 5.0) -> int | None:
    """The status of GET /healthz, or None when the server does not answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


@dataclass
class Session:
    """A signed-in browser, as the raw client needs it: the Cookie header and the CSRF token."""

    cookie: str
    csrf: str


class Database:
    """A database of its own for one benchmark run: a SQLite file in `workdir`, or a new database
    on the server `url` names (PostgreSQL or MySQL/MariaDB), dropped at the end."""

    def __init__(self, url: str | None, workdir: Path):
        from tests.databases import create_database

        self.spec = url or "sqlite"
        self._url = create_database(self.spec, workdir, label=f"bench_{secrets.token_hex(2)}")
        self.url = self._url.render_as_string(hide_password=False)
        self.backend = self._url.get_backend_name()

    def drop(self) -> None:
        from tests.databases import drop_database

        drop_database(self.spec, self._url)


class FakeProcess:
    """The fake provider (`python -m tests.fakes.provider`) in a process of its own."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.log = open(workdir / "fake.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.provider", "--port", str(self.port), "--quiet"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port)
        self.url = f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        return proc.cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Server:
    """`gunicorn -c gunicorn.conf.py <app>` with the environment of a production run."""

    def __init__(self, database_url: str, workdir: Path, *, app: str = "wsgi:app", env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "PEN_ENV": "production", "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY,
            "PEN_ENCRYPTION_KEY": ENCRYPTION_KEY, "HOST": "127.0.0.1", "PORT": str(self.port),
            "PEN_ACCESS_LOG": "", "LOG_LEVEL": "WARNING", "PEN_SEND_LIMIT": "1000000 per minute",
            "PEN_SIGNIN_LIMIT_PER_IP": "1000 per minute", "PEN_SIGNIN_LIMIT_PER_ACCOUNT": "1000 per minute",
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
        self.workers = int(environment.get("PEN_WORKERS") or len(os.sched_getaffinity(0)))  # as gunicorn.conf.py
        self.log_path = workdir / f"gunicorn-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.started = time.perf_counter()
        self.process = subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", app], cwd=ROOT, env=environment,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.ready_after: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 60) -> float:
        """Seconds from the start of the process to the first 200 from /healthz."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            if healthz(self.port) == 200:
                self.ready_after = time.perf_counter() - self.started
                return self.ready_after
            time.sleep(0.005)
        raise RuntimeError(f"gunicorn did not answer /healthz in {timeout} s; see {self.log_path}")

    def wait_workers(self, timeout: float = 30) -> None:
        """Wait until every worker is forked and has answered (each has its own pools and caches)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(proc.tree(self.pid)) < self.workers + 1:
            time.sleep(0.05)
        for _ in range(self.workers * 4):
            healthz(self.port)

    def memory(self, detailed: bool = True) -> proc.Memory:
        return proc.memory(self.pid, detailed=detailed)

    def cpu_seconds(self) -> float:
        return proc.cpu_seconds(self.pid)

    def stop(self, timeout: float = 40) -> float:
        """SIGTERM (graceful), then SIGKILL after `timeout`; returns the seconds it took."""
        started = time.perf_counter()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return time.perf_counter() - started


class Bench:
    """A seeded database and the fake provider for the duration of a benchmark run."""

    def __init__(self, database_url: str | None, *, models: list[str], stream_chats: int, big_chats: int,
                 big_messages: int, keep_workdir: bool = False):
        self.database_url = database_url
        self.workdir = Path(tempfile.mkdtemp(prefix="pen-bench-"))
        self.keep_workdir = keep_workdir
        self.models = models
        self.sizes = {"stream_chats": stream_chats, "big_chats": big_chats, "big_messages": big_messages}
        self.database: Database | None = None
        self.fake: FakeProcess | None = None
        self.seeded: seed.Seeded | None = None
        self.servers: list[Server] = []
        self.app = None
        self._next_chat = 0

    def __enter__(self) -> Bench:
        try:
            self.fake = FakeProcess(self.workdir)
            self.database = Database(self.database_url, self.workdir)
            self.seed_seconds = self._seed()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            server.stop()
        if self.fake:
            self.fake.stop()
        if self.database:
            self.database.drop()
        if not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    @property
    def backend(self) -> str:
        return self.database.backend

    def _seed(self) -> float:
        from config import Config, TestConfig
        from pen import create_app
        from pen.schema import upgrade_schema

        started = time.perf_counter()
        production_hashes = {name: getattr(Config, name) for name in dir(Config) if name.startswith("PEN_ARGON2_")}
        self.app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": self.database.url,
                                           **production_hashes})  # no re-hash at the first sign-in
        with self.app.app_context():
            upgrade_schema()
            self.seeded = seed.seed(self.fake.url, self.models, **self.sizes)
            db.engine.dispose()
        return time.perf_counter() - started

    def saved_replies(self, message_ids: list[int]) -> dict[int, tuple[str, str]]:
        """(status, content) of replies as the database has them."""
        from pen.models import Message

        rows = {}
        with self.app.app_context():
            for start in range(0, len(message_ids), 500):
                query = select(Message.id, Message.status, Message.content).where(
                    Message.id.in_(message_ids[start:start + 500]))
                rows.update({row.id: (row.status, row.content) for row in db.session.execute(query)})
            db.session.remove()
            db.engine.dispose()
        return rows

    def start_server(self, *, app: str = "wsgi:app", env: dict | None = None, ready: bool = True) -> Server:
        server = Server(self.database.url, self.workdir, app=app, env=env)
        self.servers.append(server)
        if ready:
            server.wait_ready()
        return server

    def stop_server(self, server: Server) -> float:
        self.servers.remove(server)
        return server.stop()

    def sign_in(self, server: Server, email: str) -> Session:
        browser = requests.Session()
        page = browser.get(server.base + "/signin", timeout=30).text
        token = CSRF.search(page).group(1)
        response = browser.post(server.base + "/signin", data={"email": email, "password": seed.PASSWORD},
                                headers={"X-CSRFToken": token}, allow_redirects=False, timeout=30)
        if response.status_code != 303:
            raise RuntimeError(f"sign-in failed with HTTP {response.status_code}")
        token = CSRF.search(browser.get(server.base + "/", timeout=30).text).group(1)
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        browser.close()
        return Session(cookie, token)

    def next_chat(self) -> int:
        """A chat of the streaming user that has no reply running (handed out in turn)."""
        chat_ids = self.seeded.stream_chat_ids
        chat_id = chat_ids[self._next_chat % len(chat_ids)]
        self._next_chat += 1
        return chat_id
