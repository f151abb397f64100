"""4. Big data pages: a user with 10,000 chats and a chat with 5,000 messages.

Each page is fetched `repeats` times on one kept-alive connection, signed in, after a warm-up.
Server time comes from the `Server-Timing` header of `bench.instrumented:app` (the request
inside the worker, from the WSGI call to the response headers), the number of SQL statements
from its `X-Queries` header; the client's wall time on loopback is shown beside them. The same
pages for a 4-message chat show that the number of queries does not grow with the data.
"""

from __future__ import annotations

import http.client
import time
from urllib.parse import quote

from sqlalchemy import select

from bench import seed
from bench.stats import summary, table


def run(bench, *, repeats: int = 30, warmup: int = 3) -> dict:
    server = bench.start_server(app="bench.instrumented:app")
    session = bench.sign_in(server, seed.BIG_EMAIL)
    s = bench.seeded
    pages = [
        ("home page (10,000 chats in the sidebar)", "/", False),
        ("chat list, first page", "/chats", True),
        ("chat list, page at chat 5,000", f"/chats?after={quote(_cursor(bench, 5000))}", True),
        ("chat page, 5,000 messages (latest page)", f"/c/{s.big_chat_id}", False),
        ("older-page fetch, 5,000-message chat", f"/c/{s.big_chat_id}/messages?before={s.big_chat_oldest_page_before}",
         True),
        ("chat page, 4 messages", f"/c/{s.small_chat_id}", False),
        ("older-page fetch, 4-message chat", f"/c/{s.small_chat_id}/messages?before={10**9}", True),
    ]
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    results = []
    for label, path, htmx in pages:
        headers = {"Cookie": session.cookie}
        if htmx:
            headers["HX-Request"] = "true"
        server_ms, client_ms, queries, sizes, statuses = [], [], set(), set(), set()
        for i in range(warmup + repeats):
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if i < warmup:
                continue
            statuses.add(response.status)
            server_ms.append(float(response.getheader("Server-Timing").split("dur=")[1]))
            client_ms.append(elapsed * 1000)
            queries.add(int(response.getheader("X-Queries")))
            sizes.add(len(body))
        results.append({"page": label, "path": path, "status": sorted(statuses), "queries": sorted(queries),
                        "bytes": max(sizes), "server_ms": summary(server_ms), "client_ms": summary(client_ms)})
    connection.close()
    bench.stop_server(server)
    return {"repeats": repeats, "chats": s.chats, "messages": s.messages, "pages": results}


def _cursor(bench, position: int) -> str:
    """The chat list's keyset cursor after the `position`-th chat of the big user."""
    from pen.chat.service import ChatCursor
    from pen.extensions import db
    from pen.models import Chat

    with bench.app.app_context():
        row = db.session.execute(
            select(Chat.id, Chat.timestamp).where(Chat.user_id == bench.seeded.big_user_id)
            .order_by(Chat.timestamp.desc(), Chat.id.desc()).offset(max(0, position - 1)).limit(1)
        ).first()
        db.session.remove()
    return ChatCursor(row.timestamp, row.id).encode() if row else ""


def report(result: dict) -> str:
    rows = [(p["page"], "/".join(map(str, p["status"])), p["server_ms"]["p50"], p["server_ms"]["p95"],
             p["client_ms"]["p50"], ",".join(map(str, p["queries"])), f"{p['bytes'] / 1024:.1f}") for p in result["pages"]]
    title = (f"4. Big data pages ({result['chats']:,} chats, {result['messages']:,} messages in the database; "
             f"{result['repeats']} requests each)")
    return table(title, ("page", "HTTP", "server p50 ms", "server p95 ms", "client p50 ms", "queries", "KiB"), rows,
                 digits=2)
