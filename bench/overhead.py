"""1. Streaming overhead: Pen's time to first token and total time, minus the fake's own.

Each round sends one message through Pen (authenticated POST /chats/send: DB writes, the
generation thread, the provider call, the SSE relay) and the same request straight to the
fake's /v1/chat/completions, one after the other (the order alternates), never concurrently.
TTFT through Pen ends at the first SSE event that carries reply text; directly, at the first
content chunk. The overhead of a round is Pen's figure minus the direct one.
"""

from __future__ import annotations

from bench import client, seed
from bench.checks import Expect, check_direct, check_pen
from bench.stats import ms, summary, table

MODEL = "fake-tokens-200?delay=0.001"


def run(bench, *, requests: int = 100, warmup: int = 10, model: str = MODEL) -> dict:
    server = bench.start_server()
    session = bench.sign_in(server, seed.STREAM_EMAIL)
    value = f"{bench.seeded.provider_id}:{model}"
    pen_streams, direct_streams = [], []
    for i in range(warmup + requests):
        chat_id = bench.next_chat()
        message = f"Overhead round {i}: tell me about pens"
        expect = Expect.of(model, bench.seeded.stream_history[chat_id], message)
        pen = client.pen_send("127.0.0.1", server.port, session, chat_id=chat_id, model=value, message=message,
                              tag=expect)
        direct = client.openai_stream("127.0.0.1", bench.fake.port, model=model, api_key=seed.FAKE_KEY, tag=expect,
                                      messages=[*bench.seeded.stream_history[chat_id],
                                                {"role": "user", "content": message}])
        for stream in (pen, direct) if i % 2 == 0 else (direct, pen):
            client.run_streams([stream], timeout=60)
        if i >= warmup:
            pen_streams.append(pen)
            direct_streams.append(direct)
    bench.stop_server(server)
    problems = check_pen(bench, pen_streams) + check_direct(direct_streams)
    pairs = [(p, d) for p, d in zip(pen_streams, direct_streams, strict=True) if not p.error and not d.error
             and p.ttft is not None and d.ttft is not None]
    result = {
        "model": model, "requests": requests, "warmup": warmup, "errors": sum(problems.values()),
        "problems": dict(problems), "exact": len(pen_streams) - sum(problems.values()),
        "ttft_overhead_ms": summary([ms(p.ttft - d.ttft) for p, d in pairs]),
        "total_overhead_ms": summary([ms(p.total - d.total) for p, d in pairs]),
        "pen_ttft_ms": summary([ms(p.ttft) for p, _ in pairs]),
        "direct_ttft_ms": summary([ms(d.ttft) for _, d in pairs]),
        "pen_total_ms": summary([ms(p.total) for p, _ in pairs]),
        "direct_total_ms": summary([ms(d.total) for _, d in pairs]),
    }
    return result


def report(result: dict) -> str:
    rows = []
    for label, key in (("TTFT overhead (Pen - direct)", "ttft_overhead_ms"), ("total overhead (Pen - direct)",
                       "total_overhead_ms"), ("TTFT through Pen", "pen_ttft_ms"), ("TTFT direct", "direct_ttft_ms"),
                       ("total through Pen", "pen_total_ms"), ("total direct", "direct_total_ms")):
        s = result[key]
        rows.append((label, s["p50"], s["p95"], s["min"], s["max"], s["n"]))
    title = (f"1. Streaming overhead ({result['model']}, {result['requests']} interleaved rounds; errors "
             f"{result['errors']}, exact replies {result['exact']}/{result['requests']})")
    return table(title, ("ms", "p50", "p95", "min", "max", "n"), rows, digits=2)

