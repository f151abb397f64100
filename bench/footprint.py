"""3. Footprint: cold start to the first 200 from /healthz, and the idle memory of the server.

Cold start is measured from `Popen` of gunicorn to the first 200 (the median of `starts`
fresh starts). Idle memory is read once every worker is up and has answered, a second later:
RSS summed over master and workers (pages shared after the fork counted once per process),
PSS (shared pages split between the processes that share them: the tree's real footprint)
and USS (private pages).
"""

from __future__ import annotations

import statistics
import time

from bench import proc
from bench.stats import table


def run(bench, *, starts: int = 5) -> dict:
    cold, idle, processes, workers = [], [], [], 0
    for _ in range(starts):
        server = bench.start_server()
        cold.append(server.ready_after)
        workers = server.workers
        server.wait_workers()
        time.sleep(1.0)
        idle.append(server.memory())
        processes.append([{"pid": pid, "role": "master" if pid == server.pid else "worker",
                           **proc.memory(pid, children=False).as_dict()} for pid in proc.tree(server.pid)])
        bench.stop_server(server)
    middle = sorted(range(starts), key=lambda i: idle[i].pss)[starts // 2]
    return {
        "starts": starts, "workers": workers,
        "cold_start_s": {"median": statistics.median(cold), "all": cold},
        "idle": idle[middle].as_dict(),
        "idle_all": [m.as_dict() for m in idle],
        "processes": processes[middle],
    }


def report(result: dict) -> str:
    idle = result["idle"]
    rows = [(f"cold start to first 200 (median of {result['starts']})", f"{result['cold_start_s']['median']:.2f} s"),
            (f"idle RSS, master + {result['workers']} workers (summed)", f"{idle['rss_mib']:.1f} MiB"),
            ("idle PSS, whole tree", f"{idle['pss_mib']:.1f} MiB"),
            ("idle USS, whole tree", f"{idle['uss_mib']:.1f} MiB"),
            ("threads", idle["threads"])]
    rows += [(f"  {p['role']} RSS / PSS / USS", f"{p['rss_mib']} / {p['pss_mib']} / {p['uss_mib']} MiB")
             for p in result["processes"]]
    return table("3. Footprint", ("", "value"), rows)
