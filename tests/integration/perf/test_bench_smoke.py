"""`python -m bench` runs end to end with tiny sizes (seconds), on SQLite and on PostgreSQL when
configured: real gunicorn, the fake provider, a seeded database. Only that it runs and that every
reply was relayed and saved exactly is asserted; timings are never asserted."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.databases import configured_backends

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow

BACKENDS = [spec for spec in configured_backends() if spec == "sqlite" or make_url(spec).get_backend_name() == "postgresql"]


@pytest.mark.parametrize("spec", BACKENDS, ids=lambda spec: "sqlite" if spec == "sqlite" else "postgresql")
def test_benchmarks_run_and_relay_every_reply_exactly(spec, tmp_path):
    command = [sys.executable, "-m", "bench", "--database-url", spec, "--out", str(tmp_path), "--requests", "3",
               "--levels", "3", "--starts", "1", "--repeats", "2", "--chats", "40", "--messages", "120"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for title in ("1. Streaming overhead", "2. Concurrency", "3. Footprint", "4. Big data pages"):
        assert title in done.stdout
    (path,) = [p for p in tmp_path.glob("*.json") if not p.name.endswith("-latest.json")]
    results = json.loads(path.read_text())["results"]

    overhead = results["overhead"]
    assert overhead["errors"] == 0 and overhead["exact"] == 3
    assert overhead["ttft_overhead_ms"]["n"] == 3
    for level in results["concurrency"]["levels"]:
        assert level["errors"] == 0 and level["exact"] == level["n"]
    assert results["footprint"]["cold_start_s"]["median"] > 0
    assert results["footprint"]["idle"]["processes"] >= 2
    pages = results["pages"]["pages"]
    assert all(page["status"] == [200] for page in pages)
    assert all(len(page["queries"]) == 1 for page in pages), "a page's query count is the same every time"
