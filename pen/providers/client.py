"""The provider call API: ``stream_chat``, ``complete_chat``, ``list_models``, ``check``.

Retry rules (PROVIDERS.md §5): before the first text delta, a retryable failure (connection
error, timeout, 5xx, 529, an empty or cut stream) moves on to the next base URL, and one 429 whose
Retry-After is within ``retry_after_cap`` is waited out and retried. Once text has been yielded,
nothing is retried: the error is raised with ``after_first_token=True``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import transport
from .dialects import MALFORMED, ChatCall, Dialect, HttpRequest, get_dialect
from .errors import NetworkError, ProviderError, RateLimited, TruncatedStream, Unavailable
from .events import Completion, Finish, TextDelta
from .exchange import open_response, read_json, stream_items
from .settings import ProviderSettings, get_settings
from .spec import ProviderSpec

__all__ = ["ChatStream", "CheckResult", "check", "complete_chat", "list_models", "stream_chat"]

log = logging.getLogger(__name__)
T = TypeVar("T")
Timeouts = float | tuple[float, float] | None
MAX_MODEL_PAGES = 50


class _CallLog:
    """Collects what the one INFO line per call says (never the key, never the prompt)."""

    def __init__(self, op: str, spec: ProviderSpec, model: str | None) -> None:
        self.op, self.spec, self.model = op, spec, model
        self.started = time.monotonic()
        self.first_token: float | None = None
        self.attempts = 0
        self.outcome = "ok"
        self.status: int | None = None
        self.tokens: tuple[int | None, int | None] = (None, None)

    def failed(self, err: ProviderError) -> None:
        self.outcome, self.status = err.kind, err.status

    def emit(self) -> None:
        latency = (time.monotonic() - self.started) * 1000
        ttft = f" ttft_ms={(self.first_token - self.started) * 1000:.0f}" if self.first_token else ""
        log.info(
            "provider %s provider=%r style=%s model=%r outcome=%s status=%s latency_ms=%.0f%s attempts=%d "
            "input_tokens=%s output_tokens=%s",
            self.op, self.spec.name, self.spec.api_style, self.model, self.outcome, self.status or "-",
            latency, ttft, self.attempts, self.tokens[0], self.tokens[1],
        )


@dataclass
class _Plan:
    """Which base URL to try next, given how the previous attempt failed."""

    call_settings: ProviderSettings
    bases: Sequence[str]
    deadline: float
    abort: transport.Abort
    index: int = 0
    retried_429: bool = False
    log: _CallLog | None = field(default=None)

    def __iter__(self) -> Iterator[str]:
        if not self.bases:
            raise NetworkError("No base URL is configured for this provider. An admin can add one.",
                               retryable=False)
        while self.index < len(self.bases):
            if self.log:
                self.log.attempts += 1
            yield self.bases[self.index]

    def failed(self, err: ProviderError) -> None:
        """Return to try again (same or next base URL), or raise ``err``."""
        remaining = self.deadline - time.monotonic()
        if (isinstance(err, RateLimited) and err.retryable and not self.retried_429
                and err.retry_after is not None and err.retry_after <= self.call_settings.retry_after_cap
                and err.retry_after < remaining):
            self.retried_429 = True
            if self.abort.wait(err.retry_after):
                raise err
            return
        if err.retryable and self.index + 1 < len(self.bases) and remaining > 0:
            log.debug("provider attempt failed (%s); trying the next base URL", err.kind)
            self.index += 1
            return
        raise err


def _call(provider: Any, model: str, messages: Sequence[Mapping[str, str]], *, system: str | None,
          max_tokens: int | None, temperature: float | None, stream: bool, timeout: Timeouts,
          settings: ProviderSettings | None) -> ChatCall:
    spec = ProviderSpec.of(provider)
    call = ChatCall(spec, model, tuple(dict(m) for m in messages), system, max_tokens, temperature, stream,
                    (settings or get_settings()).with_timeouts(timeout))
    get_dialect(spec.api_style).chat_request(call)  # refuse bad input (roles…) now, not mid-iteration
    return call


class ChatStream:
    """Iterator of ``TextDelta`` events then one ``Finish``. ``close()`` may be called from any
    thread: it cuts the HTTP connection at once, and the iteration then ends quietly."""

    def __init__(self, call: ChatCall, api_key: str | None) -> None:
        self._abort = transport.Abort()
        self._events = _stream_events(call, api_key, self._abort)

    def __iter__(self) -> ChatStream:
        return self

    def __next__(self) -> TextDelta | Finish:
        return next(self._events)

    @property
    def closed(self) -> bool:
        return self._abort.aborted

    def close(self) -> None:
        self._abort.abort()
        with contextlib.suppress(ValueError):  # iterated in another thread: it stops at its next read
            self._events.close()

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stream_chat(provider: Any, api_key: str | None, model: str, messages: Sequence[Mapping[str, str]], *,
                system: str | None = None, max_tokens: int | None = None, temperature: float | None = None,
                timeout: Timeouts = None, settings: ProviderSettings | None = None) -> ChatStream:
    """Stream a reply. ``timeout`` overrides (connect, read) seconds; a single number is the read
    (idle) timeout. Provider errors are raised while iterating, as ``ProviderError`` subclasses."""
    call = _call(provider, model, messages, system=system, max_tokens=max_tokens, temperature=temperature,
                 stream=True, timeout=timeout, settings=settings)
    return ChatStream(call, api_key)


def _stream_events(call: ChatCall, api_key: str | None, abort: transport.Abort) -> Iterator[TextDelta | Finish]:
    dialect = get_dialect(call.spec.api_style)
    request = dialect.chat_request(call)
    record = _CallLog("stream", call.spec, call.model)
    plan = _Plan(call.settings, call.spec.base_urls, record.started + call.settings.total_timeout, abort, log=record)
    started = False
    try:
        for base in plan:
            try:
                response = open_response(call, api_key, dialect, request, base, plan.deadline, abort)
                reader = stream_items(response, call, dialect, plan.deadline)
                try:
                    for event in dialect.events(iter(reader), call):
                        if isinstance(event, TextDelta) and not started:
                            started, record.first_token = True, time.monotonic()
                        elif isinstance(event, Finish):
                            record.tokens = (event.input_tokens, event.output_tokens)
                            yield event
                            reader.drain()
                            return
                        yield event
                finally:
                    response.close()
            except ProviderError as err:
                if abort.aborted:
                    record.outcome = "closed"
                    return
                if started:
                    err.mark_after_first_token()
                    raise
                if isinstance(err, TruncatedStream):
                    err.retryable = True  # nothing was shown yet: another attempt is safe
                plan.failed(err)
    except ProviderError as err:
        if abort.aborted:  # closed while waiting (e.g. out a Retry-After): end quietly
            record.outcome = "closed"
            return
        err.scrub(api_key)
        record.failed(err)
        raise
    except GeneratorExit:
        record.outcome = "closed"
        raise
    finally:
        record.emit()


def _run(op: str, call_settings: ProviderSettings, spec: ProviderSpec, model: str | None,
         attempt: Callable[[str, float, transport.Abort], T], api_key: str | None) -> T:
    record = _CallLog(op, spec, model)
    abort = transport.Abort()
    plan = _Plan(call_settings, spec.base_urls, record.started + call_settings.total_timeout, abort, log=record)
    try:
        for base in plan:
            try:
                return attempt(base, plan.deadline, abort)
            except ProviderError as err:
                plan.failed(err)
        raise AssertionError("unreachable: the plan raises when it runs out of base URLs")
    except ProviderError as err:
        err.scrub(api_key)
        record.failed(err)
        raise
    finally:
        record.emit()


def _json_call(call: ChatCall, api_key: str | None, dialect: Dialect, request: HttpRequest, base: str,
               deadline: float, abort: transport.Abort, endpoint: str = "chat") -> Any:
    response = open_response(call, api_key, dialect, request, base, deadline, abort, endpoint=endpoint)
    try:
        return read_json(response, call, deadline)
    finally:
        response.close()


def complete_chat(provider: Any, api_key: str | None, model: str, messages: Sequence[Mapping[str, str]], *,
                  system: str | None = None, max_tokens: int | None = None, temperature: float | None = None,
                  timeout: Timeouts = None, settings: ProviderSettings | None = None) -> Completion:
    """One non-streamed reply (e.g. a chat title). Raises ``ProviderError`` subclasses."""
    call = _call(provider, model, messages, system=system, max_tokens=max_tokens, temperature=temperature,
                 stream=False, timeout=timeout, settings=settings)
    dialect = get_dialect(call.spec.api_style)
    request = dialect.chat_request(call)

    def attempt(base: str, deadline: float, abort: transport.Abort) -> Completion:
        obj = _json_call(call, api_key, dialect, request, base, deadline, abort)
        try:
            return dialect.parse_completion(obj, call)
        except MALFORMED as exc:
            raise Unavailable("The provider's answer was not in the expected format.") from exc

    return _run("complete", call.settings, call.spec, model, attempt, api_key)


def list_models(provider: Any, api_key: str | None, *, timeout: Timeouts = None,
                settings: ProviderSettings | None = None) -> list[str]:
    """The provider's model ids, sorted (all pages)."""
    spec = ProviderSpec.of(provider)
    call = ChatCall(spec, "", (), None, None, None, False, (settings or get_settings()).with_timeouts(timeout))
    dialect = get_dialect(spec.api_style)

    def attempt(base: str, deadline: float, abort: transport.Abort) -> list[str]:
        ids: set[str] = set()
        token: str | None = None
        for _ in range(MAX_MODEL_PAGES):
            obj = _json_call(call, api_key, dialect, dialect.models_request(token), base, deadline, abort,
                             endpoint="models")
            try:
                page, token = dialect.parse_models(obj)
            except MALFORMED as exc:
                raise Unavailable("The provider's model list was not in the expected format.") from exc
            ids.update(page)
            if not token:
                break
        return sorted(ids)

    return _run("models", call.settings, spec, None, attempt, api_key)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    error: ProviderError | None = None
    models: tuple[str, ...] = ()
    latency_ms: float = 0.0


def check(provider: Any, api_key: str | None, *, timeout: Timeouts = None,
          settings: ProviderSettings | None = None) -> CheckResult:
    """"Test connection": list the models. Never raises a ``ProviderError``; returns it instead."""
    started = time.monotonic()
    try:
        models = list_models(provider, api_key, timeout=timeout, settings=settings)
    except ProviderError as err:
        return CheckResult(False, err, latency_ms=(time.monotonic() - started) * 1000)
    return CheckResult(True, None, tuple(models), (time.monotonic() - started) * 1000)

