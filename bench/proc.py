"""Memory and CPU of a process tree, read from /proc (Linux)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree(root: int) -> list[int]:
    """`root` and all its descendants that still exist."""
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        if not Path(f"/proc/{pid}").exists():
            continue
        pids.append(pid)
        for task in _tasks(pid):
            with contextlib.suppress(OSError):
                queue += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return pids


def _tasks(pid: int) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []


@dataclass(frozen=True)
class Memory:
    rss: int  # bytes, summed over the processes (pages shared between them counted in each)
    pss: int  # bytes, proportional set size: shared pages split between their sharers
    uss: int  # bytes, pages private to one process
    processes: int
    threads: int

    @property
    def rss_mib(self) -> float:
        return self.rss / 2**20

    @property
    def pss_mib(self) -> float:
        return self.pss / 2**20

    @property
    def uss_mib(self) -> float:
        return self.uss / 2**20

    def as_dict(self) -> dict:
        return {"rss_mib": round(self.rss_mib, 1), "pss_mib": round(self.pss_mib, 1), "uss_mib": round(self.uss_mib, 1),
                "processes": self.processes, "threads": self.threads}


def memory(root: int, *, detailed: bool = True, children: bool = True) -> Memory:
    """Memory of the tree under `root` (of `root` alone without `children`). `detailed` reads
    smaps_rollup for PSS and USS (slower than RSS alone)."""
    rss = pss = uss = threads = 0
    pids = tree(root) if children else [root]
    for pid in pids:
        try:
            statm = Path(f"/proc/{pid}/statm").read_text().split()
            rss += int(statm[1]) * PAGE
            threads += len(_tasks(pid))
            if detailed:
                fields = _rollup(pid)
                pss += fields.get("Pss", 0)
                uss += fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
        except OSError:
            continue
    return Memory(rss, pss, uss, len(pids), threads)


def _rollup(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[-1] == "kB":
            fields[name] = int(parts[0]) * 1024
    return fields


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of the live processes under `root` (threads included)."""
    total = 0
    for pid in tree(root):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK
