"""Percentiles, tables and the JSON results file."""

from __future__ import annotations

import json
import math
import platform
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100) with linear interpolation between closest ranks; None if empty."""
    data = sorted(values)
    if not data:
        return None
    rank = (len(data) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def summary(values: Sequence[float]) -> dict[str, float | int | None]:
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "min": min(values) if values else None, "max": max(values) if values else None}


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(title: str, headers: Sequence[str], rows: Iterable[Sequence], digits: int = 1) -> str:
    """A plain-text table (also valid Markdown)."""
    cells = [[fmt(c, digits) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = lambda values: "| " + " | ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths, strict=True))) + " |"  # noqa: E731
    out = [f"\n{title}", line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells]
    return "\n".join(out)


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cores": _cores()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        info["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        pass
    return info


def _cores() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def write_json(name: str, payload: dict, directory: Path = RESULTS_DIR) -> Path:
    """Write `<name>-<UTC time>.json` and `<name>-latest.json`; returns the timestamped path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    body = json.dumps(payload, indent=2, ensure_ascii=False, default=str)
    path = directory / f"{name}-{stamp}.json"
    path.write_text(body)
    (directory / f"{name}-latest.json").write_text(body)
    return path
