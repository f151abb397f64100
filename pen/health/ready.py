"""Wait until a Pen server answers `GET /healthz` with 200, then say so (`make run` runs it).

    python -m pen.health.ready http://127.0.0.1:8000 [--timeout 60]

Only the standard library: it runs beside a starting server and must not slow it down.
"""

import argparse
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

POLL = 0.1


def probe_url(base: str) -> str:
    """The /healthz URL to poll; a wildcard bind address is reached on loopback."""
    parts = urlsplit(base)
    wildcard = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104 - reached on loopback
    host = wildcard.get(parts.hostname or "", parts.hostname)
    host = f"[{host}]" if ":" in host else host
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme or "http", netloc, "/healthz", "", ""))


def wait_ready(base: str, timeout: float) -> tuple[bool, float]:
    """(answered 200, seconds waited)."""
    url = probe_url(base)
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a URL we build
                if response.status == 200:
                    return True, time.monotonic() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(POLL)
    return False, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the server's base URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    ready, waited = wait_ready(args.base, args.timeout)
    if ready:
        print(f"Pen is ready on {args.base} (answered /healthz after {waited:.1f} s)", flush=True)
        return 0
    print(f"Pen did not answer {probe_url(args.base)} within {args.timeout:.0f} s: see the log above.",
          file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
