"""Stopping gunicorn (the repo's gunicorn.conf.py) while replies stream: SIGTERM lets a reply
that can finish in time finish, and saves one that cannot as `stopped` with its text so far;
SIGQUIT stops and saves them at once. Nothing is left `streaming`."""

import signal
import time

import pytest

from bench import client, seed
from bench.checks import Expect
from bench.server import Bench

pytestmark = pytest.mark.slow

SHORT = "fake-tokens-30?delay=0.05"  # 1.5 s: finishes within the grace period
LONG = "fake-tokens-400?delay=0.05"  # 20 s: must be stopped and saved
GRACE = 6  # graceful_timeout; the drain stops replies DRAIN_MARGIN (2 s) before it


@pytest.fixture
def bench():
    with Bench(None, models=[SHORT, LONG], stream_chats=6, big_chats=1, big_messages=0) as running:
        yield running


def start_replies(bench, server, models):
    session = bench.sign_in(server, seed.STREAM_EMAIL)
    streams = []
    for i, model in enumerate(models):
        chat_id = bench.next_chat()
        message = f"shutdown {i}"
        streams.append(client.pen_send("127.0.0.1", server.port, session, chat_id=chat_id,
                                       model=f"{bench.seeded.provider_id}:{model}", message=message,
                                       tag=Expect.of(model, bench.seeded.stream_history[chat_id], message)))
    return streams


def finish(bench, server, streams, sig, *, after: float, within: float):
    """Send `sig` to the master `after` seconds into the streams; read them to their end."""
    signalled = []

    def tick():
        if not signalled and time.perf_counter() - streams[0].sent_at >= after:
            server.process.send_signal(sig)
            signalled.append(time.perf_counter())

    client.run_streams(streams, timeout=30, on_tick=tick, tick_every=0.1)
    server.process.wait(within)
    return time.perf_counter() - signalled[0]


def test_sigterm_lets_short_replies_finish_and_saves_long_ones_as_stopped(bench):
    server = bench.start_server(env={"PEN_WORKERS": "1", "PEN_GRACEFUL_TIMEOUT": str(GRACE)})
    short, long = streams = start_replies(bench, server, [SHORT, LONG])
    took = finish(bench, server, streams, signal.SIGTERM, after=0.5, within=GRACE + 5)
    assert server.process.returncode == 0
    assert took < GRACE + 1, "the worker exited by itself, before the master's deadline"
    saved = bench.saved_replies([short.message_id(), long.message_id()])
    assert short.error is None and short.reply_text() == short.tag.text
    assert saved[short.message_id()] == ("complete", short.tag.text)
    assert long.error is None and "Stopped." in long.last_event, "the stream ended with the stopped reply"
    status, content = saved[long.message_id()]
    assert status == "stopped" and content and long.tag.text.startswith(content) and content != long.tag.text


def test_sigquit_saves_live_replies_as_stopped_at_once(bench):
    server = bench.start_server(env={"PEN_WORKERS": "1", "PEN_GRACEFUL_TIMEOUT": str(GRACE)})
    (long,) = start_replies(bench, server, [LONG])
    finish(bench, server, [long], signal.SIGQUIT, after=0.8, within=5)
    reply_id = _last_reply_id(bench)  # the cut stream never received its final message
    status, content = bench.saved_replies([reply_id])[reply_id]
    assert status == "stopped" and content and long.tag.text.startswith(content)


def _last_reply_id(bench) -> int:
    from pen.extensions import db
    from pen.models import Message

    with bench.app.app_context():
        reply_id = db.session.scalar(db.select(db.func.max(Message.id)))
        db.session.remove()
    return reply_id
