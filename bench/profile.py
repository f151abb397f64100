"""Where a request's time goes: pyinstrument profiles of the send path and the big chat page.

    python -m bench.profile [--database-url URL] [--sends 100] [--pages 30]

The app runs in this process (Flask's test client, the same seeded database and fake provider
as the benchmarks), so the profiler sees the request thread: a send up to its first body update
(the streaming overhead), and the 5,000-message chat page. Text goes to stdout, HTML to
`bench/results/profile-<what>.html`.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys

from pyinstrument import Profiler

from bench import concurrency, overhead, seed
from bench.server import Bench
from bench.stats import RESULTS_DIR

CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def signed_in(app, email: str):
    client = app.test_client()
    token = CSRF.search(client.get("/signin").get_data(as_text=True)).group(1)
    response = client.post("/signin", data={"email": email, "password": seed.PASSWORD}, headers={"X-CSRFToken": token})
    if response.status_code != 303:
        raise RuntimeError(f"sign-in failed with HTTP {response.status_code}")
    return client, token


def profile_sends(bench, app, count: int) -> Profiler:
    """`count` sends, each profiled from the POST to its first body update, one after the other."""
    from pen.chat.generation import registry

    client, token = signed_in(app, seed.STREAM_EMAIL)
    value = f"{bench.seeded.provider_id}:{overhead.MODEL}"
    profiler = Profiler(interval=0.0002)

    def send(i: int, profiled: bool) -> None:
        if profiled:
            profiler.start()
        response = client.post("/chats/send", data={"message": f"profile {i}", "model": value,
                                                    "chat_id": bench.next_chat()},
                               headers={"X-CSRFToken": token, "HX-Request": "true"}, buffered=False)
        for chunk in response.response:
            if profiled and profiler.is_running and b'hx-swap-oob="innerHTML"' in chunk:
                profiler.stop()
        response.close()
        registry(app).wait_idle(30)

    for i in range(5):
        send(i, profiled=False)
    for i in range(count):
        send(i, profiled=True)
    return profiler


def profile_page(bench, app, count: int) -> Profiler:
    client, _ = signed_in(app, seed.BIG_EMAIL)
    path = f"/c/{bench.seeded.big_chat_id}"
    client.get(path)
    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(count):
            client.get(path)
    return profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite")
    parser.add_argument("--sends", type=int, default=100)
    parser.add_argument("--pages", type=int, default=30)
    args = parser.parse_args(argv)
    with Bench(None if args.database_url == "sqlite" else args.database_url,
               models=[overhead.MODEL, concurrency.MODEL], stream_chats=args.sends + 10, big_chats=10_000,
               big_messages=5_000) as bench:
        app = bench.app
        logging.getLogger("pen").setLevel(logging.WARNING)  # one INFO line per provider call otherwise
        app.config.update(PEN_SEND_LIMIT="1000000 per minute")
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        for name, profiler in (("send", profile_sends(bench, app, args.sends)),
                               ("chat-page", profile_page(bench, app, args.pages))):
            print(profiler.output_text(unicode=True, color=False))
            (RESULTS_DIR / f"profile-{name}.html").write_text(profiler.output_html())
    return 0


if __name__ == "__main__":
    sys.exit(main())
