"""2. Concurrency: N simultaneous streams of 200-token replies, on a fresh server for each N.

Errors (must be 0; a reply counts as an error unless the text relayed to the client and the row
saved are exactly what the fake sent), TTFT p50/p95, the server's memory (idle before, peak
while the streams are open) and CPU seconds per 100 replies; the client's own CPU (one thread
with `selectors`) and the fake provider's CPU are reported beside it, since all share 2 cores.
"""

from __future__ import annotations

from bench import client, seed
from bench.checks import Expect, check_pen
from bench.stats import ms, summary, table

MODEL = "fake-tokens-200?delay=0.01"
WARM_UP_MODEL = "fake-tokens-20"
KIB = 1024


def run(bench, *, levels=(1, 50, 200, 500), model: str = MODEL, timeout: float = 300) -> dict:
    value = f"{bench.seeded.provider_id}:{model}"
    results = []
    for n in levels:
        server = bench.start_server()
        server.wait_workers()
        session = bench.sign_in(server, seed.STREAM_EMAIL)
        _warm_up(bench, server, session)
        idle = server.memory()
        streams = []
        for i in range(n):
            chat_id = bench.next_chat()
            message = f"Concurrency {n}, stream {i}: write two hundred words"
            streams.append(client.pen_send("127.0.0.1", server.port, session, chat_id=chat_id, model=value,
                                           message=message, tag=Expect.of(model, bench.seeded.stream_history[chat_id],
                                                                           message)))
        peak = {"rss": idle.rss, "pss": idle.pss, "threads": idle.threads, "open": 0, "open_rss": idle.rss,
                "open_pss": idle.pss}

        def sample(server=server, peak=peak, streams=streams):
            """Memory now, and at the moment the most streams were open (answered, not ended)."""
            memory = server.memory()
            peak["rss"], peak["pss"] = max(peak["rss"], memory.rss), max(peak["pss"], memory.pss)
            peak["threads"] = max(peak["threads"], memory.threads)
            open_now = sum(1 for s in streams if s.headers_at is not None and s.ended_at is None)
            if open_now > peak["open"]:
                peak.update(open=open_now, open_rss=memory.rss, open_pss=memory.pss)

        cpu_before, fake_before = server.cpu_seconds(), bench.fake.cpu_seconds()
        timing = client.run_streams(streams, timeout=timeout, on_tick=sample, tick_every=0.25)
        server_cpu, fake_cpu = server.cpu_seconds() - cpu_before, bench.fake.cpu_seconds() - fake_before
        after = server.memory()
        bench.stop_server(server)
        problems = check_pen(bench, streams)
        ok = [s for s in streams if not s.error and s.ttft is not None]
        results.append({
            "n": n, "errors": sum(problems.values()), "problems": dict(problems),
            "exact": n - sum(problems.values()),
            "ttft_ms": summary([ms(s.ttft) for s in ok]),
            "total_ms": summary([ms(s.total) for s in ok]),
            "wall_s": timing["wall_s"],
            "server_cpu_s": server_cpu, "server_cpu_s_per_100": server_cpu / n * 100,
            "client_cpu_s": timing["client_cpu_s"], "fake_cpu_s": fake_cpu,
            "idle": idle.as_dict(), "after": after.as_dict(),
            "peak_rss_mib": peak["rss"] / 2**20, "peak_pss_mib": peak["pss"] / 2**20, "peak_threads": peak["threads"],
            "peak_open_streams": peak["open"],
            "per_stream_rss_kib": (peak["open_rss"] - idle.rss) / max(1, peak["open"]) / KIB,
            "per_stream_pss_kib": (peak["open_pss"] - idle.pss) / max(1, peak["open"]) / KIB,
        })
    return {"model": model, "levels": results}


def _warm_up(bench, server, session) -> None:
    """A few short replies first, so each worker has its templates compiled and its pools open."""
    streams = [client.pen_send("127.0.0.1", server.port, session, chat_id=bench.next_chat(), message=f"warm-up {i}",
                               model=f"{bench.seeded.provider_id}:{WARM_UP_MODEL}") for i in range(4)]
    client.run_streams(streams, timeout=60)


def report(result: dict) -> str:
    rows = [(r["n"], r["errors"], f"{r['exact']}/{r['n']}", r["ttft_ms"]["p50"], r["ttft_ms"]["p95"],
             r["total_ms"]["p95"], r["idle"]["rss_mib"], r["peak_rss_mib"], r["peak_pss_mib"],
             r["peak_open_streams"], r["per_stream_pss_kib"], r["peak_threads"], r["server_cpu_s_per_100"], r["client_cpu_s"], r["fake_cpu_s"])
            for r in result["levels"]]
    headers = ("N", "errors", "exact", "TTFT p50 ms", "TTFT p95 ms", "total p95 ms", "idle RSS MiB", "peak RSS MiB",
               "peak PSS MiB", "most open", "KiB/open stream (PSS)", "threads", "server CPU s/100", "client CPU s", "fake CPU s")
    return table(f"2. Concurrency ({result['model']}, one fresh server per N)", headers, rows)
