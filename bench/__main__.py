"""Run Pen's benchmarks: `make bench` or `python -m bench [options]`.

    python -m bench                                  # all four, on SQLite (full sizes: several minutes)
    python -m bench --quick                          # fewer rounds and levels (about a minute)
    python -m bench --only overhead,pages            # some of: overhead, concurrency, footprint, pages
    python -m bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python -m bench --database-url sqlite --database-url postgresql+psycopg://…   # both, one after the other

A new database is created for each run (a SQLite file in a temporary folder, or a new database on
the server the URL names, dropped at the end). Tables are printed; the JSON goes to
`bench/results/<backend>-<UTC time>.json` (and `<backend>-latest.json`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bench import concurrency, footprint, overhead, pages
from bench.server import Bench
from bench.stats import RESULTS_DIR, machine, write_json

BENCHMARKS = {"overhead": overhead, "concurrency": concurrency, "footprint": footprint, "pages": pages}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Pen's benchmarks (real servers on loopback).")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and concurrency levels")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated: " + ", ".join(BENCHMARKS))
    parser.add_argument("--database-url", action="append", dest="database_urls", metavar="URL",
                        help="'sqlite' (default) or a PostgreSQL/MySQL server URL; repeat to run on several "
                             "(default: sqlite, plus $BENCH_DATABASE_URL when set)")
    parser.add_argument("--requests", type=int, help="overhead: measured rounds (default 100; quick 30)")
    parser.add_argument("--levels", help="concurrency: comma-separated N (default 1,50,200,500; quick 1,50,200)")
    parser.add_argument("--stream-model", default=concurrency.MODEL,
                        help=f"concurrency: the fake model each stream asks for (default {concurrency.MODEL})")
    parser.add_argument("--starts", type=int, help="footprint: cold starts (default 5; quick 3)")
    parser.add_argument("--repeats", type=int, help="pages: requests per page (default 30; quick 10)")
    parser.add_argument("--chats", type=int, default=10_000, help="chats of the big-data user")
    parser.add_argument("--messages", type=int, default=5_000, help="messages in the big chat")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for the JSON results")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, SQLite file)")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if not args.database_urls:
        args.database_urls = ["sqlite"] + ([os.environ["BENCH_DATABASE_URL"]] if os.environ.get("BENCH_DATABASE_URL") else [])
    args.requests = args.requests or (30 if args.quick else 100)
    args.levels = [int(n) for n in (args.levels or ("1,50,200" if args.quick else "1,50,200,500")).split(",")]
    args.starts = args.starts or (3 if args.quick else 5)
    args.repeats = args.repeats or (10 if args.quick else 30)
    return args


def options_for(name: str, args: argparse.Namespace) -> dict:
    return {
        "overhead": {"requests": args.requests, "warmup": min(10, max(2, args.requests // 10))},
        "concurrency": {"levels": args.levels, "model": args.stream_model},
        "footprint": {"starts": args.starts},
        "pages": {"repeats": args.repeats},
    }[name]


def run_on(url: str, args: argparse.Namespace) -> Path:
    stream_chats = args.requests + min(10, max(2, args.requests // 10)) + sum(args.levels) + 4 * len(args.levels) + 10
    with Bench(None if url == "sqlite" else url, models=[overhead.MODEL, args.stream_model, concurrency.WARM_UP_MODEL],
               stream_chats=stream_chats, big_chats=args.chats, big_messages=args.messages,
               keep_workdir=args.keep) as bench:
        print(f"\n== {bench.backend}: seeded {bench.seeded.chats:,} chats and {bench.seeded.messages:,} messages "
              f"in {bench.seed_seconds:.1f} s (work folder {bench.workdir})", flush=True)
        results = {}
        for name in args.only:
            started = time.perf_counter()
            module = BENCHMARKS[name]
            results[name] = module.run(bench, **options_for(name, args))
            results[name]["seconds"] = time.perf_counter() - started
            print(module.report(results[name]), flush=True)
        payload = {"backend": bench.backend, "machine": machine(), "argv": sys.argv[1:], "quick": args.quick,
                   "seed": {"chats": bench.seeded.chats, "messages": bench.seeded.messages,
                            "seconds": bench.seed_seconds}, "results": results}
    path = write_json(bench.backend, payload, args.out)
    print(f"\nJSON: {path}", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    print(f"Pen benchmarks on {info.get('cpu', '?')} ({info['cores']} cores, {info.get('memory_gib', '?')} GiB), "
          f"Python {info['python']}; load average {' '.join(info.get('load_average', []))}", flush=True)
    for url in args.database_urls:
        run_on(url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
