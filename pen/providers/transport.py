"""The HTTP transport: one pooled ``requests.Session`` per process, connections that can be cut
from another thread (Stop), and the connect-time private-address guard.

* ``Abort`` lets any thread cut the connection a call is using, also while the call is still
  waiting for the response headers (the connection registers itself when it sends a request).
* With ``block_private`` the session's connections resolve the host themselves, check every
  address with ``urls.is_blocked_ip`` and connect to the checked address — so a DNS answer that
  changes between validation and connection (DNS rebinding) cannot reach a private address.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from http import cookiejar
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from . import urls

__all__ = ["Abort", "BlockedConnectionError", "get_session", "sending"]

POOL_CONNECTIONS = 32  # distinct hosts kept
POOL_MAXSIZE = 1024  # connections kept per host: hundreds of concurrent streams per process


class BlockedConnectionError(NewConnectionError):
    """The connection was refused by the private-address policy."""


class Abort:
    """A handle to cut one call's connection from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: HTTPConnection | None = None
        self._response: Any = None
        self._event = threading.Event()

    @property
    def aborted(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if the call was aborted meanwhile."""
        return self._event.wait(max(0.0, seconds))

    def attach(self, conn: HTTPConnection) -> None:
        with self._lock:
            self._conn = conn
            aborted = self.aborted
        if aborted:
            raise ConnectionAbortedError("the call was cancelled")

    def detach(self) -> None:
        with self._lock:
            self._conn = None

    def watch_response(self, response: Any) -> None:
        with self._lock:
            self._response = response
            aborted = self.aborted
        if aborted:
            _shutdown_response(response)

    def abort(self) -> None:
        with self._lock:
            self._event.set()
            conn, response = self._conn, self._response
        if conn is not None and getattr(conn, "sock", None) is not None:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        if response is not None:
            _shutdown_response(response)


def _shutdown_response(response: Any) -> None:
    with contextlib.suppress(AttributeError, ValueError, RuntimeError, OSError):
        response.raw.shutdown()  # wakes a reader blocked in recv(); the reader then closes


_local = threading.local()


class sending:  # noqa: N801 - used as a context manager, reads like a function
    """``with sending(abort): session.post(...)``: connections used inside register with ``abort``."""

    def __init__(self, abort: Abort) -> None:
        self.abort = abort

    def __enter__(self) -> Abort:
        _local.abort = self.abort
        return self.abort

    def __exit__(self, *exc: object) -> None:
        _local.abort = None
        self.abort.detach()


def _guarded_connect(conn: HTTPConnection) -> socket.socket:
    host = conn._dns_host  # noqa: SLF001 - the name urllib3 itself resolves
    try:
        addresses = urls.check_host(host, conn.port)
    except urls.BlockedAddress as exc:
        raise BlockedConnectionError(conn, str(exc)) from exc
    except urls.InvalidBaseURL as exc:
        raise NameResolutionError(conn.host, conn, socket.gaierror(str(exc))) from exc
    last: OSError | None = None
    for address in addresses:
        try:
            return urllib3_connection.create_connection(
                (str(address), conn.port), conn.timeout,
                source_address=conn.source_address, socket_options=conn.socket_options)
        except TimeoutError as exc:
            raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out.") from exc
        except OSError as exc:
            last = exc
    raise NewConnectionError(conn, f"Failed to establish a new connection: {last}")


class _PenConnectionMixin:
    pen_block_private = False

    def _new_conn(self) -> socket.socket:
        if self.pen_block_private:
            return _guarded_connect(self)  # type: ignore[arg-type]
        return super()._new_conn()  # type: ignore[misc]

    def request(self, *args: Any, **kwargs: Any) -> None:
        abort = getattr(_local, "abort", None)
        if abort is not None:
            abort.attach(self)
        super().request(*args, **kwargs)  # type: ignore[misc]


def _pools(block_private: bool) -> dict[str, type]:
    http_conn = type("PenHTTPConnection", (_PenConnectionMixin, HTTPConnection),
                     {"pen_block_private": block_private})
    https_conn = type("PenHTTPSConnection", (_PenConnectionMixin, HTTPSConnection),
                      {"pen_block_private": block_private})
    return {
        "http": type("PenHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("PenHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }


_POOLS = {False: _pools(False), True: _pools(True)}


class PenAdapter(HTTPAdapter):
    def __init__(self, *, block_private: bool = False) -> None:
        self.block_private = block_private
        super().__init__(pool_connections=POOL_CONNECTIONS, pool_maxsize=POOL_MAXSIZE, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS[self.block_private])


class _NoCookies(cookiejar.DefaultCookiePolicy):
    """The session is shared by every user: never store or send provider cookies."""

    def set_ok(self, cookie: cookiejar.Cookie, request: Any) -> bool:
        return False

    def return_ok(self, cookie: cookiejar.Cookie, request: Any) -> bool:
        return False


_sessions: dict[tuple[int, bool], requests.Session] = {}
_sessions_lock = threading.Lock()


def _new_session(block_private: bool) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no .netrc credentials; proxies are applied per call (client.py)
    session.cookies.set_policy(_NoCookies())
    adapter = PenAdapter(block_private=block_private)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def get_session(block_private: bool = False) -> requests.Session:
    """The process's shared session (a new one after a fork, so workers never share sockets)."""
    key = (os.getpid(), bool(block_private))
    session = _sessions.get(key)
    if session is None:
        with _sessions_lock:
            session = _sessions.get(key)
            if session is None:
                session = _sessions[key] = _new_session(bool(block_private))
    return session


def environment_proxies(url: str) -> dict[str, str]:
    """``HTTP(S)_PROXY`` / ``NO_PROXY`` from the environment for ``url`` (the session ignores env)."""
    return requests.utils.get_environ_proxies(url)


def environment_verify() -> str | bool:
    """A CA bundle named by ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE`` (corporate TLS proxies), else True."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
