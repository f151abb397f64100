"""Relaying a reply to the browser as Server-Sent Events for htmx's `hx-sse` extension.

Unnamed events carry HTML that htmx swaps: out-of-band updates of the reply's body while it
grows, then the final message. Renders are coalesced (at most ~20 a second, slower when a long
reply takes longer to render); a comment line keeps quiet connections alive.
"""

import time
from collections.abc import Callable, Iterator
from datetime import timedelta

from sqlalchemy import select

from pen.chat.generation import Generation, Snapshot, interrupt_stale, messages_table
from pen.extensions import db
from pen.orm import utcnow

MIN_INTERVAL = 0.05
KEEPALIVE = 15.0
DB_POLL = 0.25


def sse(html: str, event: str | None = None) -> str:
    """One SSE event; every line of the payload gets its own `data:` line."""
    head = f"event: {event}\n" if event else ""
    return head + "".join(f"data: {line}\n" for line in html.split("\n")) + "\n"


KEEPALIVE_COMMENT = ": keep-alive\n\n"


class LiveSource:
    """A generation running in this process."""

    initial_version = 0  # a new generation has no text yet: wait for its first token

    def __init__(self, generation: Generation):
        self.generation = generation

    def wait(self, version: int, timeout: float) -> Snapshot:
        return self.generation.wait(version, timeout)

    def snapshot(self) -> Snapshot:
        return self.generation.snapshot()

    def linger(self, seconds: float) -> None:
        """Let more text arrive for `seconds`; return at once when the reply ends."""
        self.generation.ended.wait(seconds)


class DatabaseSource:
    """A generation running in another process: follow its checkpoints in the database."""

    initial_version = -1  # send the checkpointed text at once

    def __init__(self, app, message_id: int, poll: float = DB_POLL):
        self.app = app
        self.message_id = message_id
        self.poll = poll
        self.version = 0
        self.text: str | None = None
        self.stale_seconds = app.config["PEN_STREAM_STALE_SECONDS"]

    def snapshot(self) -> Snapshot:
        with self.app.app_context(), db.engine.begin() as connection:
            row = connection.execute(
                select(messages_table.c.content, messages_table.c.status, messages_table.c.chat_id,
                       messages_table.c.updated_at)
                .where(messages_table.c.id == self.message_id)
            ).first()
            if row is None:
                return Snapshot(self.version, self.text or "", True)
            content, done = row.content, row.status != "streaming"
            heartbeat_lost = row.updated_at is None or utcnow() - row.updated_at > timedelta(seconds=self.stale_seconds)
            if not done and heartbeat_lost and interrupt_stale(self.stale_seconds, chat_id=row.chat_id,
                                                               connection=connection):
                done = True  # its server stopped: the reply ends here, marked interrupted
        if content != self.text:
            self.text = content
            self.version += 1
        return Snapshot(self.version, self.text, done)

    def linger(self, seconds: float) -> None:
        time.sleep(seconds)

    def wait(self, version: int, timeout: float) -> Snapshot:
        deadline = time.monotonic() + timeout
        while True:
            snapshot = self.snapshot()
            if snapshot.version != version or snapshot.done or time.monotonic() >= deadline:
                return snapshot
            time.sleep(self.poll)


def relay(source, render_update: Callable[[str], str], render_final: Callable[[], str], *,
          first: str | None = None, keepalive: float = KEEPALIVE) -> Iterator[str]:
    """Yield SSE text: `first` (if given), body updates as the text grows, then the final HTML."""
    if first:
        yield sse(first)
    version, interval, last_sent = source.initial_version, MIN_INTERVAL, 0.0
    while True:
        snapshot = source.wait(version, keepalive)
        if snapshot.done:
            break
        if snapshot.version == version:
            yield KEEPALIVE_COMMENT
            continue
        pause = last_sent + interval - time.monotonic()
        if pause > 0:
            source.linger(pause)  # let more text arrive: one render for many small deltas
            snapshot = source.snapshot()
            if snapshot.done:
                break
        started = time.monotonic()
        html = render_update(snapshot.text)
        interval = max(MIN_INTERVAL, 3 * (time.monotonic() - started))
        version, last_sent = snapshot.version, time.monotonic()
        yield sse(html)
    yield sse(render_final())
