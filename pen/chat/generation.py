"""Replies are generated in a thread of their own, independent of any HTTP request.

A client that goes away does not end a generation; only Stop does. Each process keeps its live
generations in a registry (per app) whose supervisor thread, about once a second, checkpoints
their text to the database in one transaction (a heartbeat for rows that did not change) and
picks up Stop requests made on other workers (the `stop_requested` flag). Every ending (done,
stopped, provider error, crash) writes the final text and status in a `finally`, retrying until
the database takes it.
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError

from pen.chat import titles
from pen.extensions import db
from pen.models import Chat, Message
from pen.orm import utcnow
from pen.providers import Finish, ProviderError, ProviderSpec, TextDelta, stream_chat

log = logging.getLogger(__name__)

SUPERVISE_EVERY = 0.5  # seconds between stop-flag checks
CHECKPOINT_EVERY = 1.0  # seconds between checkpoints / heartbeats
FINAL_WRITE_ATTEMPTS = 8
INTERRUPTED = "Interrupted: the server stopped while this reply was being written."

messages_table = Message.__table__
chats_table = Chat.__table__


@dataclass(frozen=True)
class Turn:
    """Everything a generation needs; no ORM objects, so it outlives any request."""

    message_id: int
    chat_id: int
    provider: ProviderSpec
    api_key: str | None = field(repr=False)
    model: str
    messages: tuple[dict[str, str], ...]
    system: str | None = None
    auto_title: str | None = None  # set for a new chat: the title to refine when the reply is done


@dataclass(frozen=True)
class Snapshot:
    version: int
    text: str
    done: bool


class Generation:
    def __init__(self, registry: "Registry", turn: Turn):
        self.registry = registry
        self.turn = turn
        self.text = ""
        self.version = 0
        self.done = False
        self.status = "streaming"
        self.error: str | None = None
        self.error_kind: str | None = None
        self.finish: Finish | None = None
        self.condition = threading.Condition()
        self.stop_event = threading.Event()
        self.ended = threading.Event()  # set with `done`: lets a relay pause without waking at every delta
        self.saved_version = 0
        self.started = time.monotonic()
        self.first_token_at: float | None = None
        self._stream = None
        self.finished = threading.Event()  # the final state is saved (and the title refined)

    @property
    def message_id(self) -> int:
        return self.turn.message_id

    def snapshot(self) -> Snapshot:
        with self.condition:
            return Snapshot(self.version, self.text, self.done)

    def wait(self, version: int, timeout: float) -> Snapshot:
        """Block until the text moved past `version` or the generation ended (or `timeout`)."""
        with self.condition:
            self.condition.wait_for(lambda: self.version != version or self.done, timeout)
            return Snapshot(self.version, self.text, self.done)

    def stop(self) -> None:
        self.stop_event.set()
        stream = self._stream
        if stream is not None:
            stream.close()  # cuts the provider connection at once, from any thread

    def join(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)

    def run(self) -> None:
        try:
            self._run()
        except Exception:  # after the final save (title, bookkeeping): log it, the pool would hide it
            log.exception("generation %s failed after its reply was saved", self.message_id)
        finally:
            self.finished.set()

    def _run(self) -> None:
        turn = self.turn
        try:
            self._stream = stream_chat(turn.provider, turn.api_key, turn.model, list(turn.messages), system=turn.system)
            if self.stop_event.is_set():
                self._stream.close()
            for event in self._stream:
                if isinstance(event, TextDelta) and event.text:
                    self._append(event.text)
                elif isinstance(event, Finish):
                    self.finish = event
            self.status = "stopped" if self.stop_event.is_set() else "complete"
        except ProviderError as err:
            self.status = "stopped" if self.stop_event.is_set() else "error"
            if self.status == "error":
                self.error, self.error_kind = err.user_message, err.kind
                if err.provider_message:
                    self.error += f" ({err.provider_message})"
            log.info("generation %s ended with %s", turn.message_id, err.kind)
        except Exception:
            if self.stop_event.is_set():  # Stop closed the stream under the reading thread: a stop, not a crash
                self.status = "stopped"
            else:
                log.exception("generation %s crashed", turn.message_id)
                self.status, self.error, self.error_kind = ("error", "Pen hit an unexpected error writing this reply.",
                                                            "internal")
        finally:
            self._finish()

    def _append(self, text: str) -> None:
        with self.condition:
            if self.first_token_at is None:
                self.first_token_at = time.monotonic()
            self.text += text
            self.version += 1
            self.condition.notify_all()

    def _finish(self) -> None:
        self._persist_final()
        with self.condition:
            self.done = True
            self.condition.notify_all()
        self.ended.set()
        self.registry.remove(self)
        if self.turn.auto_title and self.status == "complete" and self.text.strip():
            titles.refine(self.registry.app, self.turn, self.text)  # after the reply is saved and shown

    def final_values(self) -> dict:
        finish = self.finish
        ended = time.monotonic()
        return {
            "content": self.text,
            "status": self.status,
            "error": self.error,
            "error_kind": self.error_kind,
            "finish_reason": finish.reason if finish else None,
            "input_tokens": finish.input_tokens if finish else None,
            "output_tokens": finish.output_tokens if finish else None,
            "latency_ms": int((self.first_token_at - self.started) * 1000) if self.first_token_at else None,
            "duration_ms": int((ended - self.started) * 1000),
            "stop_requested": False,
            "updated_at": utcnow(),
        }

    def _persist_final(self) -> None:
        values = self.final_values()
        for attempt in range(FINAL_WRITE_ATTEMPTS):
            try:
                with self.registry.app.app_context(), db.engine.begin() as connection:
                    connection.execute(update(messages_table).where(messages_table.c.id == self.message_id).values(**values))
                    connection.execute(
                        update(chats_table).where(chats_table.c.id == self.turn.chat_id).values(timestamp=values["updated_at"])
                    )
                log.info("generation %s %s: %d chars", self.message_id, self.status, len(self.text))
                return
            except SQLAlchemyError:
                log.exception("saving reply %s failed (attempt %d)", self.message_id, attempt + 1)
                time.sleep(min(0.2 * 2**attempt, 5))


class Registry:
    """The live generations of one app in this process, and their supervisor thread."""

    def __init__(self, app: Flask):
        self.app = app
        self.live: dict[int, Generation] = {}
        self.lock = threading.Lock()
        self.supervisor: threading.Thread | None = None
        self.workers: ThreadPoolExecutor | None = None
        self.last_checkpoint = 0.0

    def start(self, turn: Turn) -> Generation:
        generation = Generation(self, turn)
        with self.lock:
            self.live[turn.message_id] = generation
            if self.supervisor is None or not self.supervisor.is_alive():
                self.supervisor = threading.Thread(target=self._supervise, name="pen-gen-supervisor", daemon=True)
                self.supervisor.start()
            if self.workers is None:  # started threads are reused: a reply does not wait for one to start
                self.workers = ThreadPoolExecutor(self.app.config["PEN_MAX_GENERATIONS"], thread_name_prefix="pen-gen")
        self.workers.submit(generation.run)
        return generation

    def get(self, message_id: int) -> Generation | None:
        with self.lock:
            return self.live.get(message_id)

    def remove(self, generation: Generation) -> None:
        with self.lock:
            self.live.pop(generation.message_id, None)

    def stop(self, message_id: int) -> bool:
        generation = self.get(message_id)
        if generation is not None:
            generation.stop()
        return generation is not None

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop every live generation and wait until each has saved its final state."""
        with self.lock:
            generations = list(self.live.values())
        for generation in generations:
            generation.stop()
        deadline = time.monotonic() + timeout
        for generation in generations:
            generation.join(max(0.0, deadline - time.monotonic()))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no generation is live (tests, graceful shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                generations = list(self.live.values())
            if not generations:
                return True
            generations[0].join(max(0.0, min(0.1, deadline - time.monotonic())))
        return False

    def _supervise(self) -> None:
        while True:
            time.sleep(SUPERVISE_EVERY)
            with self.lock:
                generations = list(self.live.values())
                if not generations:
                    self.supervisor = None
                    return
            try:
                with self.app.app_context():
                    self._honour_stop_requests(generations)
                    if time.monotonic() - self.last_checkpoint >= CHECKPOINT_EVERY:
                        self._checkpoint(generations)
                        self.last_checkpoint = time.monotonic()
            except Exception:  # the supervisor must outlive any failure: replies depend on its heartbeat
                log.exception("checkpoint failed; retrying")

    def _honour_stop_requests(self, generations: list[Generation]) -> None:
        """Stop what another worker asked to stop, and what was deleted (its chat, or its user)."""
        ids = [g.message_id for g in generations]
        with db.engine.connect() as connection:
            requested = dict(connection.execute(
                select(messages_table.c.id, messages_table.c.stop_requested).where(messages_table.c.id.in_(ids))
            ).all())
        for generation in generations:
            if requested.get(generation.message_id, True):
                generation.stop()

    def _checkpoint(self, generations: list[Generation]) -> None:
        now = utcnow()
        changed, unchanged = [], []
        for generation in generations:
            snapshot = generation.snapshot()
            if snapshot.version != generation.saved_version:
                changed.append({"mid": generation.message_id, "text": snapshot.text, "version": snapshot.version})
            else:
                unchanged.append(generation.message_id)
        streaming = messages_table.c.status == "streaming"
        with db.engine.begin() as connection:
            if changed:
                connection.execute(
                    update(messages_table).where(messages_table.c.id == bindparam("mid"), streaming)
                    .values(content=bindparam("text"), updated_at=now),
                    [{"mid": row["mid"], "text": row["text"]} for row in changed],
                )
            if unchanged:
                connection.execute(
                    update(messages_table).where(messages_table.c.id.in_(unchanged), streaming).values(updated_at=now)
                )
        by_id = {g.message_id: g for g in generations}
        for row in changed:
            by_id[row["mid"]].saved_version = row["version"]


def registry(app: Flask) -> Registry:
    existing = app.extensions.get("pen_generations")
    if existing is None:
        existing = app.extensions.setdefault("pen_generations", Registry(app))
    return existing


def reap_interrupted(stale_seconds: float, chat_id: int | None = None) -> int:
    """Mark `streaming` rows whose generator is gone (no heartbeat for `stale_seconds`) as stopped."""
    count = interrupt_stale(stale_seconds, chat_id=chat_id)
    db.session.commit()
    return count


def interrupt_stale(stale_seconds: float, *, chat_id: int | None = None, connection=None) -> int:
    """`reap_interrupted` inside the caller's transaction (the session's, or `connection`)."""
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    statement = update(messages_table).where(
        messages_table.c.status == "streaming",
        (messages_table.c.updated_at < cutoff) | messages_table.c.updated_at.is_(None),
    )
    if chat_id is not None:
        statement = statement.where(messages_table.c.chat_id == chat_id)
    statement = statement.values(status="stopped", error=INTERRUPTED, error_kind="interrupted", stop_requested=False)
    return (connection or db.session).execute(statement).rowcount or 0
